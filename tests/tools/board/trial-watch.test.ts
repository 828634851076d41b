import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type BootState, readBootState, writeBootState } from "../../../firmware/update/index.js";
import { type FirmwareProcess, watchTrial } from "../../../tools/board/index.js";
import { tempDir } from "../../firmware/update/update-fixtures.js";

const ON_TRIAL: BootState = {
  active: "a",
  trial: "b",
  trialBootsLeft: 0,
  versions: { a: "1.0.0", b: "1.1.0" },
};

/** A firmware stand-in recording the signals the watch sends; `onSignal` models what happens meanwhile. */
function fakeFirmware(onSignal: (signal: string) => void = () => {}) {
  const signals: string[] = [];
  const child = {
    kill: (signal: string) => {
      signals.push(signal);
      onSignal(signal);
      return true;
    },
  } as unknown as ChildProcess;
  const firmware: FirmwareProcess = { child, exited: new Promise(() => {}), stop: async () => {} };
  return { firmware, signals };
}

describe("watchTrial", () => {
  it("does not stop a firmware that became healthy just as its deadline came (checked while frozen)", async () => {
    const dir = tempDir();
    writeBootState(dir, ON_TRIAL);
    // The idle write lands between the last poll and the freeze.
    const { firmware, signals } = fakeFirmware((signal) => {
      if (signal === "SIGSTOP") writeBootState(dir, { ...ON_TRIAL, active: "b", trial: null });
    });
    const logs: string[] = [];
    const verdict = await watchTrial({
      firmware,
      dir,
      slot: "b",
      deadlineMs: 100,
      pollMs: 1000,
      until: new Promise(() => {}),
      log: (_level, message) => logs.push(message),
    });
    expect(verdict).toBe("healthy");
    expect(signals).toEqual(["SIGSTOP", "SIGCONT"]);
    expect(logs).toEqual(["trial firmware reached idle: trial deadline cancelled"]);
  });

  it("leaves the firmware frozen for the caller to stop when the trial is still pending at the deadline", async () => {
    const dir = tempDir();
    writeBootState(dir, ON_TRIAL);
    const { firmware, signals } = fakeFirmware();
    const started = Date.now();
    const verdict = await watchTrial({
      firmware,
      dir,
      slot: "b",
      deadlineMs: 200,
      pollMs: 50,
      until: new Promise(() => {}),
      log: () => {},
    });
    expect(verdict).toBe("timed-out");
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(signals).toEqual(["SIGSTOP"]);
    expect(readBootState(dir)).toEqual(ON_TRIAL); // rolling back is the launcher's step, after the stop
  });

  it("never kills on a guess: an unreadable boot.json at the deadline leaves the firmware running", async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/boot.json`, "{ half a write");
    const { firmware, signals } = fakeFirmware();
    const logs: string[] = [];
    const verdict = await watchTrial({
      firmware,
      dir,
      slot: "b",
      deadlineMs: 50,
      pollMs: 10,
      until: new Promise(() => {}),
      log: (_level, message) => logs.push(message),
    });
    expect(verdict).toBe("healthy");
    expect(signals.filter((s) => s === "SIGSTOP")).toHaveLength(5);
    expect(signals.at(-1)).toBe("SIGCONT");
    expect(logs).toEqual(["boot.json is unreadable: trial deadline not enforced"]);
  });

  it("ends when the launcher is stopped before the deadline", async () => {
    const dir = tempDir();
    writeBootState(dir, ON_TRIAL);
    const { firmware, signals } = fakeFirmware();
    const verdict = await watchTrial({
      firmware,
      dir,
      slot: "b",
      deadlineMs: 60_000,
      pollMs: 20,
      until: new Promise((resolve) => setTimeout(resolve, 60)),
      log: () => {},
    });
    expect(verdict).toBe("ended");
    expect(signals).toEqual([]);
  });
});
