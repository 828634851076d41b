import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { InstallResult } from "../../firmware/update/index.js";
import type { BoardConfig } from "./board-config.js";
import { type BoardBoot, chooseBoot, linkNodeModules } from "./choose-boot.js";
import { listenForFlash } from "./flash-listener.js";
import { stageImage } from "./stage-image.js";

/** One structured log line; the posctl command sends these to pino (journald on a board). */
export type BoardLog = (level: "info" | "warn" | "error", message: string, fields?: object) => void;

export interface BoardRunOptions {
  config: BoardConfig;
  log: BoardLog;
  /** Resolves on SIGTERM/SIGINT: the firmware is asked to stop and the launcher returns. */
  until: Promise<void>;
  /** The firmware's stdio: the console on a board, pipes in tests. */
  stdio?: "inherit" | "pipe" | "ignore";
  /** Called once the firmware is spawned (tests read its output). */
  onFirmware?: (child: ChildProcess) => void;
  /** Grace before SIGKILL once the firmware was asked to stop (journal checkpoint); under the unit's 20 s. */
  stopTimeoutMs?: number;
}

export interface BoardRunResult {
  boot: BoardBoot;
  /** The firmware's exit code (null when it ended on a signal). */
  exitCode: number | null;
  /** Images staged for the next start during this run. */
  staged: InstallResult[];
}

/**
 * The board's boot loader and update agent in one process under systemd: choose the slot, run its
 * firmware, and meanwhile take new images over the serial port into the inactive slot. A staged image
 * never replaces the running firmware: it boots on trial at the next start (service restart or reboot),
 * so no transaction is ever cut short by an update. Returns when the firmware exits or on `until`.
 */
export async function runBoard(options: BoardRunOptions): Promise<BoardRunResult> {
  const { config, log } = options;
  const boot = chooseBoot(config);
  if (boot.rolledBack) {
    log("warn", "trial slot never reached idle: rolled back", {
      slot: boot.rolledBack.slot,
      version: boot.rolledBack.version,
    });
  }
  log("info", "booting firmware", {
    source: boot.source,
    ...(boot.source === "slot" ? { slot: boot.slot, trialBootsLeft: boot.trialBootsLeft } : {}),
    version: boot.version,
    trial: boot.trial,
  });
  linkNodeModules(config);
  const entry = join(boot.path, config.entry);
  if (!existsSync(entry)) log("error", "firmware entry point missing", { entry });

  const staged: InstallResult[] = [];
  const flash = config.flash
    ? listenForFlash({
        port: config.flash.port,
        baudRate: config.flash.baud,
        dir: config.dataDir,
        onImage: (image) => {
          try {
            const result = stageImage(config, image.path);
            staged.push(result);
            log("info", "firmware image staged: boots on trial at the next start", {
              slot: result.slot,
              version: result.manifest.version,
              trialBoots: result.trialBootsLeft,
            });
          } catch (error) {
            log("warn", "firmware image refused", { reason: (error as Error).message });
            throw error;
          }
        },
        onEvent: (event, detail) =>
          log(event === "open" ? "info" : "warn", `flash port ${event}`, {
            port: config.flash?.port,
            ...(detail ? { detail } : {}),
          }),
      })
    : undefined;

  const child = spawn(process.execPath, [...config.nodeArgs, entry, ...config.args], {
    stdio: options.stdio ?? "inherit",
    env: {
      ...process.env,
      POS_BOOT_SOURCE: boot.source,
      POS_BOOT_VERSION: boot.version ?? "",
      POS_BOOT_TRIAL: boot.trial ? "1" : "0",
    },
  });
  options.onFirmware?.(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", (error) => {
      log("error", "firmware did not start", { entry, error: error.message });
      resolve(127);
    });
  });
  let exitCode: number | null;
  try {
    const first = await Promise.race([exited.then(() => "exited" as const), options.until]);
    if (first !== "exited") {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), options.stopTimeoutMs ?? 15_000);
      await exited;
      clearTimeout(timer);
    }
    exitCode = await exited;
  } finally {
    await flash?.stop();
  }
  log(exitCode === 0 || exitCode === null ? "info" : "error", "firmware stopped", {
    exitCode,
    staged: staged.map((s) => `${s.slot}:${s.manifest.version}`),
  });
  return { boot, exitCode, staged };
}
