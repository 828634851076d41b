import { afterEach, describe, expect, it } from "vitest";
import { createActor, waitFor } from "xstate";
import { terminalServices } from "../../../firmware/app/terminal-services.js";
import {
  createTerminalMachine,
  type Key,
  PASSWORD_CHANGE_REFUSALS,
} from "../../../firmware/terminal/index.js";
import { terminalView } from "../../../firmware/ui/index.js";
import { type Day, quick, startDay } from "./support/rig-day.js";

const digits = (text: string) => Buffer.from(text, "ascii");
// Two failures lock (the default is five): keeps the lockout case short on the slow KDF.
const LOCK_AFTER_TWO = quick({
  settings: (s) => ({
    ...s,
    admin: { lockout: { maxFailures: 2, baseLockMs: 60_000, maxLockMs: 3_600_000 } },
  }),
});

describe("change password on the terminal (the app's services over UserStore)", () => {
  let day: Day | undefined;
  afterEach(async () => {
    await day?.t.stop();
    day = undefined;
  });

  it("changes a first-boot password, then refuses mismatch, weak, same, wrong, locked and unknown", async () => {
    day = await startDay(LOCK_AFTER_TWO, false);
    const services = terminalServices(day.t.app);
    const change = (userId: string, current: string, next: string, repeat = next) =>
      services.changePassword({
        userId,
        current: digits(current),
        next: digits(next),
        repeat: digits(repeat),
      });

    // 01's first-boot password is 000000 (expired: a change is what it is for).
    expect(await change("01", "000000", "246810")).toEqual({
      ok: true,
      zh: "密码修改成功",
      en: "Password changed",
    });
    expect(await change("01", "246810", "135790")).toMatchObject({ ok: true });
    const refusal = (reason: keyof typeof PASSWORD_CHANGE_REFUSALS) => ({
      ok: false,
      reason,
      ...PASSWORD_CHANGE_REFUSALS[reason],
    });
    expect(await change("01", "135790", "111111", "111112")).toEqual(refusal("mismatch"));
    expect(await change("01", "135790", "12345")).toEqual(refusal("weak-password"));
    expect(await change("01", "135790", "135790")).toEqual(refusal("same-password"));
    expect(await change("55", "135790", "222222")).toEqual(refusal("unknown-user"));
    expect(await change("01", "999999", "222222")).toEqual(refusal("wrong-password"));
    // The mismatch and the weak password never reached the store: this second counted failure locks,
    // and then even the right current password is refused until the lock period ends.
    expect(await change("01", "999999", "222222")).toEqual(refusal("locked"));
    expect(await change("01", "135790", "222222")).toEqual(refusal("locked"));
  });

  it("the chart on the real app: management menu → 8 → user, masked passwords → 密码修改成功", async () => {
    day = await startDay(quick(), false);
    const actor = createActor(createTerminalMachine(terminalServices(day.t.app))).start();
    try {
      await waitFor(actor, (s) => s.value === "idle", { timeout: 20_000 });
      const press = (...keys: Key[]) => {
        for (const key of keys) actor.send({ type: "KEY", key });
      };
      const type = (text: string) => press(...([...text] as Key[]));
      press("menu", "6", "8");
      type("01");
      press("enter");
      type("000000");
      expect(terminalView(actor.getSnapshot()).lines[1]).toEqual({ zh: "******_", en: "******_" });
      press("enter");
      type("975310");
      press("enter");
      type("975310");
      press("enter");
      const done = await waitFor(actor, (s) => s.value === "passwordResult", { timeout: 20_000 });
      expect(terminalView(done).lines[0]).toEqual({ zh: "密码修改成功", en: "Password changed" });
      press("enter");
      expect(actor.getSnapshot().value).toBe("managementMenu");
      // The new password is the one the store now verifies.
      await expect(
        day.t.app.users.changePassword("01", digits("975310"), digits("864200")),
      ).resolves.toBeUndefined();
    } finally {
      actor.stop();
    }
  });
});
