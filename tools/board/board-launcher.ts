import type { ChildProcess } from "node:child_process";
import { abandonTrial, type InstallResult } from "../../firmware/update/index.js";
import { type BoardConfig, updateDirOf } from "./board-config.js";
import { type BoardBoot, chooseBoot, linkNodeModules } from "./choose-boot.js";
import { type FirmwareProcess, startFirmware } from "./firmware-process.js";
import { listenForFlash } from "./flash-listener.js";
import { stageImage } from "./stage-image.js";
import { watchTrial } from "./trial-deadline.js";

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
  /** How often a trial firmware's health (boot.json) is looked at before its deadline; default 1000. */
  healthPollMs?: number;
}

export interface BoardRunResult {
  boot: BoardBoot;
  /** The firmware's exit code (null when it ended on a signal). */
  exitCode: number | null;
  /** Images staged for the next start during this run. */
  staged: InstallResult[];
  /**
   * Set when the trial firmware missed `trialDeadlineSeconds` and was stopped; `boot` is then what ran
   * after it. `rolledBack` false: it was marked healthy while being stopped, so it was started again.
   */
  trialTimedOut?: { slot: string; version: string | null; rolledBack: boolean };
}

/**
 * The board's boot loader and update agent in one process under systemd: choose the slot, run its
 * firmware, and meanwhile take new images over the serial port into the inactive slot. A staged image
 * never replaces the running firmware: it boots on trial at the next start (service restart or reboot),
 * so no transaction is ever cut short by an update. A trial firmware that has not reached idle within
 * `trialDeadlineSeconds` is stopped and the previous slot started in its place. Returns when the
 * firmware exits or on `until`.
 */
export async function runBoard(options: BoardRunOptions): Promise<BoardRunResult> {
  const { config, log } = options;
  let boot = chooseBoot(config);
  if (boot.rolledBack) {
    log("warn", "trial slot never reached idle: rolled back", {
      slot: boot.rolledBack.slot,
      version: boot.rolledBack.version,
    });
  }
  logBooting(log, boot);
  linkNodeModules(config);

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

  const stopGraceMs = options.stopTimeoutMs ?? 15_000;
  let stopping = false;
  const until = options.until.then(() => {
    stopping = true;
    return "until" as const;
  });
  let trialTimedOut: BoardRunResult["trialTimedOut"];
  let exitCode: number | null;
  try {
    let firmware = startFirmware(config, boot, options);
    // A loop only because an image staged meanwhile would put the next choice on trial as well.
    while (boot.source === "slot" && boot.trial) {
      const verdict = await watchTrial({
        firmware,
        dir: updateDirOf(config),
        slot: boot.slot,
        deadlineMs: config.trialDeadlineSeconds * 1000,
        pollMs: options.healthPollMs ?? 1000,
        until,
        log,
      });
      if (verdict !== "timed-out") break;
      log("warn", "trial firmware did not reach idle within the trial deadline: stopping it", {
        slot: boot.slot,
        version: boot.version,
        deadlineSeconds: config.trialDeadlineSeconds,
      });
      await firmware.stop(stopGraceMs);
      // Only now: had it been marked healthy while stopping, it is the active slot and runs again.
      const rolledBack = abandonTrial(updateDirOf(config), boot.slot);
      trialTimedOut = { slot: boot.slot, version: boot.version, rolledBack };
      if (rolledBack) {
        log("warn", "trial slot rolled back after its deadline", { slot: boot.slot, version: boot.version });
      } else {
        log("warn", "trial slot was marked healthy while being stopped: starting it again", {
          slot: boot.slot,
        });
      }
      // On systemctl stop meanwhile the rollback stands: the previous slot boots at the next start.
      if (stopping) break;
      boot = chooseBoot(config);
      logBooting(log, boot);
      firmware = startFirmware(config, boot, options);
    }
    exitCode = await runToEnd(firmware, until, stopGraceMs);
  } finally {
    await flash?.stop();
  }
  log(exitCode === 0 || exitCode === null ? "info" : "error", "firmware stopped", {
    exitCode,
    staged: staged.map((s) => `${s.slot}:${s.manifest.version}`),
  });
  return { boot, exitCode, staged, ...(trialTimedOut ? { trialTimedOut } : {}) };
}

function logBooting(log: BoardLog, boot: BoardBoot): void {
  log("info", "booting firmware", {
    source: boot.source,
    ...(boot.source === "slot" ? { slot: boot.slot, trialBootsLeft: boot.trialBootsLeft } : {}),
    version: boot.version,
    trial: boot.trial,
  });
}

/** Waits for the firmware to exit by itself, or stops it on `until` (systemctl stop). */
async function runToEnd(
  firmware: FirmwareProcess,
  until: Promise<"until">,
  stopGraceMs: number,
): Promise<number | null> {
  const first = await Promise.race([firmware.exited.then(() => "exited" as const), until]);
  if (first !== "exited") await firmware.stop(stopGraceMs);
  return firmware.exited;
}
