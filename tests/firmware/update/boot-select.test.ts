import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  abandonTrial,
  bootSelect,
  installUpdate,
  markHealthy,
  readBootState,
  UpdateError,
} from "../../../firmware/update/index.js";
import { ARCH, ecKey, image, tempDir } from "./update-fixtures.js";

const vendor = ecKey();
const install = (version: string, running: string, dir: string, trialBoots?: number) =>
  installUpdate(image(version, vendor), {
    trustedKeys: [vendor.trusted],
    runningVersion: running,
    dir,
    arch: ARCH,
    ...(trialBoots === undefined ? {} : { trialBoots }),
  });

/** Slot a active on 1.0.0, slot b on trial with 1.1.0. */
function pendingUpdate(trialBoots?: number): string {
  const dir = tempDir();
  install("1.0.0", "0.0.0", dir);
  bootSelect(dir);
  markHealthy(dir);
  install("1.1.0", "1.0.0", dir, trialBoots);
  return dir;
}

describe("bootSelect / markHealthy", () => {
  it("boots the trial slot while boots remain, persisting the count before each boot", () => {
    const dir = pendingUpdate(3);
    expect(bootSelect(dir)).toMatchObject({ slot: "b", trial: true, trialBootsLeft: 2, version: "1.1.0" });
    expect(readBootState(dir).trialBootsLeft).toBe(2);
    expect(bootSelect(dir)).toMatchObject({ slot: "b", trial: true, trialBootsLeft: 1 });
    expect(bootSelect(dir)).toMatchObject({ slot: "b", trial: true, trialBootsLeft: 0 });
    expect(readBootState(dir)).toMatchObject({ active: "a", trial: "b", trialBootsLeft: 0 });
  });

  it("rolls back by itself when the new slot never reaches idle", () => {
    const dir = pendingUpdate(2);
    bootSelect(dir); // trial boot 1: crashes before idle
    bootSelect(dir); // trial boot 2: hangs, watchdog resets
    const rollback = bootSelect(dir);
    expect(rollback).toMatchObject({
      slot: "a",
      trial: false,
      version: "1.0.0",
      rolledBack: { slot: "b", version: "1.1.0" },
    });
    expect(rollback.path).toBe(join(dir, "slots", "a"));
    expect(readBootState(dir)).toMatchObject({ active: "a", trial: null, trialBootsLeft: 0 });
    // A late markHealthy from the old firmware changes nothing; later boots stay on a, no rollback note.
    expect(markHealthy(dir)).toBe("a");
    expect(bootSelect(dir)).toEqual({
      slot: "a",
      path: join(dir, "slots", "a"),
      version: "1.0.0",
      trial: false,
      trialBootsLeft: 0,
    });
    // The rolled-back slot is inactive again, so the next update goes there.
    expect(install("1.2.0", "1.0.0", dir).slot).toBe("b");
  });

  it("a trial slot that reaches idle becomes active; the next update targets the old slot", () => {
    const dir = pendingUpdate();
    expect(bootSelect(dir)).toMatchObject({ slot: "b", trial: true });
    expect(markHealthy(dir)).toBe("b");
    expect(readBootState(dir)).toMatchObject({
      active: "b",
      trial: null,
      versions: { a: "1.0.0", b: "1.1.0" },
    });
    expect(bootSelect(dir)).toMatchObject({ slot: "b", trial: false, version: "1.1.0" });
    expect(install("1.2.0", "1.1.0", dir).slot).toBe("a");
  });

  it("healthy on the last trial boot still commits", () => {
    const dir = pendingUpdate(1);
    expect(bootSelect(dir)).toMatchObject({ slot: "b", trial: true, trialBootsLeft: 0 });
    expect(markHealthy(dir)).toBe("b");
    expect(bootSelect(dir)).toMatchObject({ slot: "b", trial: false });
  });

  it("refuses to boot with nothing installed, or when the first install never reached idle", () => {
    const fresh = tempDir();
    expect(() => bootSelect(fresh)).toThrow(UpdateError);
    install("1.0.0", "0.0.0", fresh, 1);
    expect(bootSelect(fresh)).toMatchObject({ slot: "a", trial: true });
    expect(() => bootSelect(fresh)).toThrow(/no-bootable-slot/);
  });

  it("reports an unreadable boot.json as bad-state", () => {
    const dir = pendingUpdate();
    writeFileSync(join(dir, "boot.json"), "{ not json");
    expect(() => bootSelect(dir)).toThrow(/bad-state/);
  });
});

describe("abandonTrial (the launcher's trial deadline)", () => {
  it("drops the trial so the active slot boots next, and does nothing once the slot was marked healthy", () => {
    const dir = pendingUpdate(3);
    expect(bootSelect(dir)).toMatchObject({ slot: "b", trial: true, trialBootsLeft: 2 });
    expect(abandonTrial(dir, "b")).toBe(true);
    expect(readBootState(dir)).toMatchObject({ active: "a", trial: null, trialBootsLeft: 0 });
    expect(bootSelect(dir)).toMatchObject({ slot: "a", trial: false, version: "1.0.0" });

    const healthy = pendingUpdate();
    bootSelect(healthy);
    markHealthy(healthy); // reached idle while the launcher was stopping it
    expect(abandonTrial(healthy, "b")).toBe(false);
    expect(readBootState(healthy)).toMatchObject({ active: "b", trial: null });
  });
});
