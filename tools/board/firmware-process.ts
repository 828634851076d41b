import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { BoardConfig } from "./board-config.js";
import type { BoardRunOptions } from "./board-launcher.js";
import type { BoardBoot } from "./choose-boot.js";

/** The firmware the launcher runs: its process, its exit code (null on a signal) and how to stop it. */
export interface FirmwareProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** SIGTERM (the journal checkpoints), SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<void>;
}

/** Spawns the chosen slot's (or the factory release's) entry point under this Node. */
export function startFirmware(
  config: BoardConfig,
  boot: BoardBoot,
  options: Pick<BoardRunOptions, "log" | "stdio" | "onFirmware">,
): FirmwareProcess {
  const entry = join(boot.path, config.entry);
  if (!existsSync(entry)) options.log("error", "firmware entry point missing", { entry });
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
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      done = true;
      resolve(code);
    });
    child.once("error", (error) => {
      done = true;
      options.log("error", "firmware did not start", { entry, error: error.message });
      resolve(127);
    });
  });
  return {
    child,
    exited,
    async stop(graceMs) {
      if (done) return;
      child.kill("SIGTERM");
      child.kill("SIGCONT"); // in case the trial watch froze it: SIGTERM is handled once it runs again
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
