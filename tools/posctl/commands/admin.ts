import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import type { Command } from "commander";
import {
  AdminError,
  type AdminFunction,
  factoryReset,
  factorySettings,
  type StorageLayout,
  storageLayout,
  UserStore,
} from "../../../firmware/admin/index.js";
import { BackupError, createBackup, restoreBackup, writeBackupFile } from "../../../firmware/backup/index.js";
import { JournalError } from "../../../firmware/journal/index.js";
import { FileSecureElement } from "../../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../../firmware/keys/key-store.js";
import { ReportError } from "../../../firmware/reports/index.js";
import { action, UsageError } from "../cli-error.js";
import { requireFlag } from "../options.js";

/** A terminal's directory as posctl finds it: the config file (when there is one) and the storage dir. */
export interface TerminalDir {
  dir: string;
  /** `<dir>/terminal.json` when it exists. */
  configPath?: string;
  config?: Record<string, unknown>;
  layout: StorageLayout;
  terminalId?: string;
  merchantId?: string;
}

/**
 * `--dir` names either a terminal directory (terminal.json, whose storage.dir says where the journal
 * and keys are, relative to the file) or a storage directory itself (journal.db, keys/, users.json).
 */
export function terminalDir(dir: string): TerminalDir {
  const configPath = join(dir, "terminal.json");
  if (!existsSync(configPath)) return { dir, layout: storageLayout(dir) };
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`${configPath} is not valid JSON: ${(error as Error).message}`);
  }
  const storage = config.storage as { dir?: unknown } | undefined;
  const storageDir = typeof storage?.dir === "string" ? resolve(dir, storage.dir) : dir;
  const terminal = (config.terminal ?? {}) as { terminalId?: unknown; merchantId?: unknown };
  return {
    dir,
    configPath,
    config,
    layout: storageLayout(storageDir),
    ...(typeof terminal.terminalId === "string" ? { terminalId: terminal.terminalId } : {}),
    ...(typeof terminal.merchantId === "string" ? { merchantId: terminal.merchantId } : {}),
  };
}

/**
 * Secrets come from stdin, one per line, never from argv (visible in `ps` and shell history). The lines
 * are cut from the raw bytes into Buffers — never strings — and the input buffer is zeroed.
 */
export async function readSecretLines(stdin: Readable, count: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const all = Buffer.concat(chunks);
  for (const chunk of chunks) chunk.fill(0);
  try {
    const lines: Buffer[] = [];
    let start = 0;
    while (lines.length < count && start < all.length) {
      let end = all.indexOf(0x0a, start);
      if (end < 0) end = all.length;
      const stop = end > start && all[end - 1] === 0x0d ? end - 1 : end;
      lines.push(Buffer.from(all.subarray(start, stop)));
      start = end + 1;
    }
    if (lines.length < count) {
      for (const line of lines) line.fill(0);
      throw new UsageError(`expected ${count} line(s) on stdin, got ${lines.length}`);
    }
    return lines;
  } finally {
    all.fill(0);
  }
}

/** Our firmware's refusals are bad input for posctl: one line, exit 2. */
export function guarded<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return action(async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      if (
        error instanceof AdminError ||
        error instanceof BackupError ||
        error instanceof ReportError ||
        error instanceof JournalError
      ) {
        throw new UsageError(error.message);
      }
      throw error;
    }
  });
}

async function withSecrets<T>(
  count: number,
  stdin: Readable,
  fn: (lines: Buffer[]) => Promise<T>,
): Promise<T> {
  const lines = await readSecretLines(stdin, count);
  try {
    return await fn(lines);
  } finally {
    for (const line of lines) line.fill(0);
  }
}

/** With --user, the first secret line is that user's password and must be allowed to run `fn`. */
async function authorizeIfAsked(
  layout: StorageLayout,
  user: string | undefined,
  password: Buffer | undefined,
  fn: AdminFunction,
): Promise<void> {
  if (user === undefined || password === undefined) return;
  const store = await UserStore.open(layout.users);
  await store.authorize(user, password, fn);
}

interface DirOptions {
  dir?: string;
  user?: string;
}

/** `posctl admin`: passwords, backup/restore and factory reset of a terminal directory. */
export function registerAdmin(
  program: Command,
  io: { stdin: () => Readable } = { stdin: () => process.stdin },
): void {
  const admin = program
    .command("admin")
    .description("terminal administration: passwords, backup, restore, reset");

  admin
    .command("passwd")
    .description("change a user's password: stdin gives the old password, then the new one (one per line)")
    .option("--dir <dir>", "the terminal directory (terminal.json) or its storage directory")
    .option("--user <id>", "user number: 00 supervisor, 99 system administrator, 01..98 operators")
    .action(
      guarded(async (options: DirOptions) => {
        const { layout } = terminalDir(requireFlag(options.dir, "--dir"));
        const user = requireFlag(options.user, "--user");
        await withSecrets(2, io.stdin(), async ([old, next]) => {
          const store = await UserStore.open(layout.users);
          await store.changePassword(user, old!, next!);
        });
        process.stdout.write(`password of user ${user} changed\n`);
      }),
    );

  admin
    .command("backup")
    .description(
      "write an encrypted backup of journal, configuration and counters (never keys); passphrase on stdin",
    )
    .option("--dir <dir>", "the terminal directory (terminal.json)")
    .option("--out <file>", "the backup file to write")
    .option(
      "--user <id>",
      "authorise as this user: its password is the first stdin line, the passphrase the next",
    )
    .action(
      guarded(async (options: DirOptions & { out?: string }) => {
        const found = terminalDir(requireFlag(options.dir, "--dir"));
        const out = requireFlag(options.out, "--out");
        const terminalId = requireTerminalId(found);
        const asked = options.user !== undefined;
        const summary = await withSecrets(asked ? 2 : 1, io.stdin(), async (lines) => {
          await authorizeIfAsked(found.layout, options.user, asked ? lines[0] : undefined, "backup-restore");
          const backup = await createBackup(
            {
              journalPath: found.layout.journal,
              terminalId,
              ...(found.configPath ? { configPath: found.configPath } : {}),
            },
            lines[asked ? 1 : 0]!,
          );
          writeBackupFile(out, backup);
          return backup.length;
        });
        process.stdout.write(`backup of terminal ${terminalId} written to ${out} (${summary} bytes)\n`);
      }),
    );

  admin
    .command("restore")
    .description("restore a backup of this terminal (counters never go backwards); passphrase on stdin")
    .argument("<file>", "the backup file")
    .option("--dir <dir>", "the terminal directory (terminal.json); the terminal must not be running")
    .option(
      "--user <id>",
      "authorise as this user: its password is the first stdin line, the passphrase the next",
    )
    .action(
      guarded(async (file: string, options: DirOptions) => {
        const found = terminalDir(requireFlag(options.dir, "--dir"));
        const terminalId = requireTerminalId(found);
        if (!existsSync(file)) throw new UsageError(`no backup file ${file}`);
        const bytes = readFileSync(file);
        const asked = options.user !== undefined;
        const result = await withSecrets(asked ? 2 : 1, io.stdin(), async (lines) => {
          await authorizeIfAsked(found.layout, options.user, asked ? lines[0] : undefined, "backup-restore");
          return restoreBackup(bytes, lines[asked ? 1 : 0]!, {
            terminalId,
            journalPath: found.layout.journal,
            ...(found.configPath ? { configPath: found.configPath } : {}),
          });
        });
        process.stdout.write(
          `restored backup of ${result.manifest.createdAt}: ${result.manifest.transactions} transactions, ` +
            `${result.manifest.settlementRuns} settlement runs; next STAN ${result.counters.stan}, batch ${result.counters.batch}` +
            `${result.configRestored ? "; configuration restored" : ""}\n`,
        );
      }),
    );

  admin
    .command("reset")
    .description("factory reset (重置): erase keys, journal, configuration and users back to first boot")
    .option("--dir <dir>", "the terminal directory (terminal.json); the terminal must not be running")
    .option("--yes-lose-unsettled", "go ahead although unsettled transactions will be lost")
    .option("--user <id>", "authorise as this user: its password is the first stdin line")
    .action(
      guarded(async (options: DirOptions & { yesLoseUnsettled?: boolean }) => {
        const found = terminalDir(requireFlag(options.dir, "--dir"));
        const { layout } = found;
        if (options.user !== undefined) {
          await withSecrets(1, io.stdin(), ([password]) =>
            authorizeIfAsked(layout, options.user, password, "factory-reset"),
          );
        }
        const result = await factoryReset({
          storageDir: layout.dir,
          keys: new KeyStore(layout.keysDir, new FileSecureElement(layout.deviceKey)),
          journal: layout.journal,
          confirmUnsettledLoss: options.yesLoseUnsettled === true,
          ...(found.configPath
            ? { config: { path: found.configPath, factory: factorySettings(found.config) } }
            : {}),
        });
        process.stdout.write(
          `factory reset done${result.unsettledLost > 0 ? ` (${result.unsettledLost} unsettled transactions discarded)` : ""}: ` +
            "keys erased, journal empty, default passwords (expired)\n",
        );
      }),
    );
}

function requireTerminalId(found: TerminalDir): string {
  if (!found.terminalId)
    throw new UsageError(`no terminal.terminalId in ${found.configPath ?? `${found.dir}/terminal.json`}`);
  return found.terminalId;
}
