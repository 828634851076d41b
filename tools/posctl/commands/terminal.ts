import type { Readable, Writable } from "node:stream";
import type { Command } from "commander";
import { runBoardTerminal } from "../../terminal/board-terminal.js";
import { runConsoleTerminal } from "../../terminal/console-terminal.js";
import { action, UsageError } from "../cli-error.js";
import { untilSignal } from "../until-signal.js";

interface TerminalStartOptions {
  config?: string;
  dir?: string;
  plain?: boolean;
  ecrTcp?: string;
}

function listenAddress(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(":");
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !/^\d{1,5}$/.test(text.slice(at + 1)) || port > 65535) {
    throw new UsageError(`--ecr-tcp must be HOST:PORT, got ${JSON.stringify(text)}`);
  }
  return { host: text.slice(0, at), port };
}

/** `posctl terminal start`: the terminal on the rig against the host simulator, at this console. */
export function registerTerminal(
  program: Command,
  io: { stdin: Readable; stdout: Writable; signals: NodeJS.EventEmitter } = {
    stdin: process.stdin,
    stdout: process.stdout,
    signals: process,
  },
): void {
  const terminal = program.command("terminal").description("the terminal application");
  terminal
    .command("start")
    .description(
      "boot the terminal and drive it from this console: on the rig against the host simulator, or on a board with --config",
    )
    .option("--config <file>", "a board's terminal config (real device paths and host); without it: the rig")
    .option(
      "--dir <dir>",
      "keep the journal, keys, config, slips and log here across runs (default: a temp dir)",
    )
    .option("--plain", "print each screen as lines instead of redrawing a box (logs, pipes)")
    .option(
      "--ecr-tcp <host:port>",
      "listen for a cash register (ECR) on this address (port 0: any free port)",
    )
    .action(
      action(async (options: TerminalStartOptions) => {
        const ended = new Promise<void>((resolve) => io.stdin.once("end", () => resolve()));
        if (options.config) {
          await runBoardTerminal({
            configPath: options.config,
            input: io.stdin,
            output: io.stdout,
            ...(options.plain ? { mode: "plain" as const } : {}),
            until: Promise.race([untilSignal(io.signals), ended]),
          });
          return;
        }
        const { log, dir } = await runConsoleTerminal({
          input: io.stdin,
          output: io.stdout,
          ...(options.dir ? { dir: options.dir } : {}),
          ...(options.plain ? { mode: "plain" as const } : {}),
          ...(options.ecrTcp ? { ecrTcp: listenAddress(options.ecrTcp) } : {}),
          until: Promise.race([untilSignal(io.signals), ended]),
        });
        io.stdout.write(`\nterminal stopped; log ${log}${options.dir ? `, data in ${dir}` : ""}\n`);
      }),
    );
}
