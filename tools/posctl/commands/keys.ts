import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { ConfigError } from "../../../firmware/config/index.js";
import { KeyStoreError } from "../../../firmware/keys/key-store-error.js";
import { KeyLoadError, loadKeys, parseKeyLoadingFile, readKbpkFile } from "../../keys/index.js";
import { action, parseJsonArgument, UsageError } from "../cli-error.js";
import { requireFlag } from "../options.js";
import { terminalDir } from "./admin.js";

interface LoadOptions {
  dir?: string;
  file?: string;
  kbpkFile?: string;
  terminalId?: string;
  config?: string;
  json?: boolean;
}

/** Key store and key-loading refusals are bad input: one line, exit 2. */
export function keyGuard<A extends unknown[]>(fn: (...args: A) => Promise<void> | void) {
  return action(async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      if (error instanceof KeyLoadError || error instanceof KeyStoreError || error instanceof ConfigError) {
        throw new UsageError(error.message);
      }
      throw error;
    }
  });
}

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return parseJsonArgument(text, `${what} ${path}`);
}

/** The terminal being loaded: --terminal-id, else the config's terminal.terminalId. */
function targetTerminalId(options: LoadOptions, dir: string): string {
  if (options.terminalId) return options.terminalId;
  if (options.config) {
    const config = readJsonFile(options.config, "config") as { terminal?: { terminalId?: unknown } };
    const id = config.terminal?.terminalId;
    if (typeof id !== "string") throw new UsageError(`${options.config} has no terminal.terminalId`);
    return id;
  }
  const found = terminalDir(dir).terminalId;
  if (!found) throw new UsageError("which terminal? give --terminal-id or --config");
  return found;
}

/** `posctl keys`: key injection from a key-loading file (TR-31 blocks under the KBPK). */
export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("terminal keys: load TR-31 key blocks");
  keys
    .command("load")
    .description("load the TMK / DUKPT initial key from a key-loading file (TR-31 blocks with check values)")
    .option("--dir <dir>", "the terminal's storage directory (keys/, key-loads.jsonl)")
    .option("--file <file>", "key-loading file: {terminalId, blocks: [{slot, tr31, kcv, ksn?}]}")
    .option("--kbpk-file <file>", "the key block protection key as hex (never on the command line)")
    .option("--terminal-id <id>", "the terminal being loaded (default: from --config)")
    .option("--config <file>", "the terminal's config file, for its terminal ID")
    .option("--json", "print the result as JSON")
    .action(
      keyGuard((options: LoadOptions) => {
        const dir = requireFlag(options.dir, "--dir");
        const file = parseKeyLoadingFile(
          readJsonFile(requireFlag(options.file, "--file"), "key-loading file"),
          options.file!,
        );
        const terminalId = targetTerminalId(options, dir);
        const kbpk = readKbpkFile(requireFlag(options.kbpkFile, "--kbpk-file"));
        try {
          const loaded = loadKeys({ storageDir: terminalDir(dir).layout.dir, terminalId, kbpk, file });
          if (options.json) {
            process.stdout.write(`${JSON.stringify({ terminalId, loaded }, null, 2)}\n`);
            return;
          }
          for (const key of loaded) {
            process.stdout.write(
              `loaded ${key.slot} into ${terminalId}: KCV ${key.kcv}${key.ksn ? ` KSN ${key.ksn}` : ""}\n`,
            );
          }
        } finally {
          kbpk.fill(0);
        }
      }),
    );
}
