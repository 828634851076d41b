import type { Readable, Writable } from "node:stream";
import type { Command } from "commander";
import { runConsoleTerminal } from "../../terminal/console-terminal.js";
import { action } from "../cli-error.js";
import { untilSignal } from "../until-signal.js";

interface TerminalStartOptions {
  dir?: string;
  plain?: boolean;
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
    .description("boot the terminal on the rig against the host simulator and drive it from this console")
    .option(
      "--dir <dir>",
      "keep the journal, keys, config, slips and log here across runs (default: a temp dir)",
    )
    .option("--plain", "print each screen as lines instead of redrawing a box (logs, pipes)")
    .action(
      action(async (options: TerminalStartOptions) => {
        const ended = new Promise<void>((resolve) => io.stdin.once("end", () => resolve()));
        const { log, dir } = await runConsoleTerminal({
          input: io.stdin,
          output: io.stdout,
          ...(options.dir ? { dir: options.dir } : {}),
          ...(options.plain ? { mode: "plain" as const } : {}),
          until: Promise.race([untilSignal(io.signals), ended]),
        });
        io.stdout.write(`\nterminal stopped; log ${log}${options.dir ? `, data in ${dir}` : ""}\n`);
      }),
    );
}
