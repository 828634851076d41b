import { readBootState, type SlotName } from "../../firmware/update/index.js";
import type { BoardLog } from "./board-launcher.js";
import type { FirmwareProcess } from "./firmware-process.js";

export interface TrialWatch {
  firmware: FirmwareProcess;
  /** The update directory whose boot.json the terminal marks healthy on reaching idle. */
  dir: string;
  slot: SlotName;
  deadlineMs: number;
  pollMs: number;
  /** Resolves when the launcher is asked to stop (the watch then ends). */
  until: Promise<unknown>;
  log: BoardLog;
}

/**
 * "healthy": the trial reached idle (or its health cannot be read, so it is left running);
 * "ended": it exited or the launcher is stopping; "timed-out": the deadline passed with the trial still
 * pending, and the firmware is left frozen (SIGSTOP) for the caller to stop.
 */
/** Looks at an unreadable boot.json past the deadline before giving up on enforcing it. */
const MAX_UNREADABLE_LOOKS = 5;

export type TrialVerdict = "healthy" | "ended" | "timed-out";

/**
 * Watches a firmware started on trial until it is marked healthy (boot.json no longer names its slot
 * as the trial), exits, or misses its deadline. At the deadline the firmware is frozen before the last
 * look, so it cannot reach idle between that look and being stopped: a healthy firmware is never killed.
 */
export async function watchTrial(watch: TrialWatch): Promise<TrialVerdict> {
  const deadline = Date.now() + watch.deadlineMs;
  const ended = Promise.race([watch.firmware.exited, watch.until]).then(() => "ended" as const);
  let unreadable = 0;
  for (;;) {
    const wait = Math.max(0, Math.min(watch.pollMs, deadline - Date.now()));
    if ((await raceDelay(ended, wait)) === "ended") return "ended";
    // Unreadable (a write caught half way by a non-atomic writer): look again at the next poll.
    if (trialHealth(watch) === "healthy") return cancelled(watch, "healthy");
    if (Date.now() < deadline) continue;

    watch.firmware.child.kill("SIGSTOP");
    await raceDelay(ended, 20); // let the stop land before the last look
    const last = trialHealth(watch);
    if (last === "pending") return "timed-out";
    watch.firmware.child.kill("SIGCONT");
    if (last === "healthy") return cancelled(watch, "healthy");
    // Cannot tell whether it is healthy: never kill on a guess; give up after a few looks.
    unreadable += 1;
    if (unreadable >= MAX_UNREADABLE_LOOKS) return cancelled(watch, "unknown");
  }
}

function cancelled(watch: TrialWatch, health: "healthy" | "unknown"): TrialVerdict {
  if (health === "healthy") {
    watch.log("info", "trial firmware reached idle: trial deadline cancelled", { slot: watch.slot });
  } else {
    watch.log("error", "boot.json is unreadable: trial deadline not enforced", { slot: watch.slot });
  }
  return "healthy";
}

function trialHealth(watch: TrialWatch): "pending" | "healthy" | "unknown" {
  try {
    return readBootState(watch.dir).trial === watch.slot ? "pending" : "healthy";
  } catch {
    return "unknown";
  }
}

/** Resolves "ended" if `ended` settles first, else "tick" after `ms`; the timer never outlives it. */
async function raceDelay(ended: Promise<"ended">, ms: number): Promise<"ended" | "tick"> {
  let timer: NodeJS.Timeout | undefined;
  const tick = new Promise<"tick">((resolve) => {
    timer = setTimeout(() => resolve("tick"), ms);
  });
  try {
    return await Promise.race([ended, tick]);
  } finally {
    clearTimeout(timer);
  }
}
