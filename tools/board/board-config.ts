import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { type TrustedKey, trustedKeyFrom } from "../../firmware/update/index.js";
import { UsageError } from "../posctl/cli-error.js";

/**
 * /etc/pos/board.json: what the board launcher boots and where updates land. `dataDir` must be the
 * terminal config's `storage.dir`: the terminal marks `<dataDir>/update` healthy when it reaches idle.
 */
const BoardConfigSchema = z.strictObject({
  dataDir: z.string().min(1),
  /** The release installed with the package: booted while no slot holds an image yet. */
  factory: z.strictObject({ path: z.string().min(1), version: z.string().min(1) }),
  /** The firmware's entry point inside a slot (the image packs dist/, so this is main.js's path there). */
  entry: z.string().min(1).default("tools/posctl/main.js"),
  /** Node options for the firmware process, e.g. ["--max-semi-space-size=1"]. */
  nodeArgs: z.array(z.string()).default([]),
  /** Arguments after the entry, e.g. ["terminal", "start", "--config", "/etc/pos/terminal.json"]. */
  args: z.array(z.string()).default([]),
  /** Public keys (PEM) images must be signed by. */
  trustedKeys: z.array(z.string().min(1)).min(1),
  /** Serial port the launcher listens on for `posctl flash --port`; no flashing over serial without it. */
  flash: z
    .strictObject({ port: z.string().min(1), baud: z.int().min(50).max(4_000_000).default(115200) })
    .optional(),
  /**
   * Starts a new slot gets to reach idle. 1: a trial that did not reach idle rolls back on the
   * following start (a crash-looping image never gets a second chance to hold the terminal).
   */
  trialBoots: z.int().min(1).max(10).default(1),
  /**
   * Seconds a firmware started on trial gets to reach idle (be marked healthy). A trial that hangs
   * without crashing is then stopped and rolled back at once, instead of holding the terminal until
   * the next start. Cold start with a slow PIN pad or network must fit well inside it.
   */
  trialDeadlineSeconds: z.number().positive().max(86_400).default(300),
  /** node_modules of the installed release: slots hold only compiled JS and resolve packages here. */
  nodeModules: z.string().min(1).optional(),
  /** Image target; defaults to this board's `${platform}-${arch}`. */
  arch: z.string().optional(),
});

export type BoardConfig = z.infer<typeof BoardConfigSchema>;

/** Reads and checks board.json; relative paths are taken from the file's directory. */
export function loadBoardConfig(path: string): BoardConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read board config ${path}: ${(error as Error).message}`);
  }
  const parsed = BoardConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`board config ${path}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  const at = (p: string) => resolve(dirname(path), p);
  const config = parsed.data;
  return {
    ...config,
    dataDir: at(config.dataDir),
    factory: { ...config.factory, path: at(config.factory.path) },
    trustedKeys: config.trustedKeys.map(at),
    ...(config.nodeModules ? { nodeModules: at(config.nodeModules) } : {}),
  };
}

/** `<dataDir>/update`: slots/a, slots/b and boot.json (the same directory the terminal marks healthy). */
export function updateDirOf(config: BoardConfig): string {
  return join(config.dataDir, "update");
}

/** `<dataDir>/incoming`: images arriving over serial (.part files) or copied in over SSH. */
export function incomingDirOf(config: BoardConfig): string {
  return join(config.dataDir, "incoming");
}

export function loadTrustedKeys(config: BoardConfig): TrustedKey[] {
  return config.trustedKeys.map((file) => {
    try {
      return trustedKeyFrom(readFileSync(file));
    } catch (error) {
      throw new UsageError(`trusted key ${file} is unreadable: ${(error as Error).message}`);
    }
  });
}
