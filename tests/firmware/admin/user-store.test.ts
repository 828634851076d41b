import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AdminError,
  type AdminErrorReason,
  parseAdminSettings,
  UserStore,
  type UserStoreOptions,
} from "../../../firmware/admin/index.js";
import { useTempDirs } from "../../support/temp-dir.js";

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const pw = (text: string) => Buffer.from(text, "ascii");
const tempDir = useTempDirs();

class TestClock {
  time = Date.parse("2025-03-01T08:00:00.000Z");
  readonly now = () => new Date(this.time);
  advance(ms: number) {
    this.time += ms;
  }
}

async function open(options: UserStoreOptions = {}) {
  const clock = new TestClock();
  const path = join(tempDir(), "users.json");
  const store = await UserStore.open(path, { scrypt: FAST, clock: clock.now, ...options });
  return { store, clock, path };
}

async function refused(promise: Promise<unknown>, reason: AdminErrorReason): Promise<AdminError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdminError);
  expect((error as AdminError).reason).toBe(reason);
  return error as AdminError;
}

/** Users 00 and 01 with their first-boot passwords changed. */
async function ready(options: UserStoreOptions = {}) {
  const opened = await open(options);
  await opened.store.changePassword("00", pw("123456"), pw("800800"));
  await opened.store.changePassword("01", pw("000000"), pw("101010"));
  return opened;
}

describe("UserStore", () => {
  it("boots with 00, 99 and 01 on expired default passwords, in a 0600 file without them", async () => {
    const { store, path } = await open();
    expect(store.list()).toEqual([
      { userId: "00", role: "admin", expired: true },
      { userId: "01", role: "operator", expired: true },
      { userId: "99", role: "admin", expired: true },
    ]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, "utf8");
    for (const secret of ["123456", "12345678", "000000"]) expect(text).not.toContain(secret);
    await refused(store.authenticate("00", pw("123456")), "expired");
    await refused(store.authenticate("99", pw("12345678")), "expired");
    await refused(store.authenticate("00", pw("654321")), "wrong-password");
  });

  it("changes a password: old one required, new one 6+ digits and different", async () => {
    const { store } = await open();
    await refused(store.changePassword("00", pw("111111"), pw("800800")), "wrong-password");
    await refused(store.changePassword("00", pw("123456"), pw("12345")), "weak-password");
    await refused(store.changePassword("00", pw("123456"), pw("12345a")), "weak-password");
    await refused(store.changePassword("00", pw("123456"), pw("123456")), "same-password");
    await store.changePassword("00", pw("123456"), pw("800800"));
    expect(await store.authenticate("00", pw("800800"))).toEqual({ userId: "00", role: "admin" });
    await refused(store.authenticate("00", pw("123456")), "wrong-password");
    expect(store.list()[0]).toEqual({ userId: "00", role: "admin", expired: false });
  });

  it("keeps changes across a reopen", async () => {
    const { store, path } = await ready();
    const again = await UserStore.open(path, { scrypt: FAST });
    expect(await again.authenticate("01", pw("101010"))).toEqual({ userId: "01", role: "operator" });
    expect(store.list()).toEqual(again.list());
  });

  it("refuses unknown users", async () => {
    const { store } = await open();
    await refused(store.authenticate("42", pw("123456")), "unknown-user");
    await refused(store.authenticate("abc", pw("123456")), "unknown-user");
  });

  it("locks after 5 failures for a period that grows, even against the right password", async () => {
    const { store, clock, path } = await ready();
    for (let i = 0; i < 4; i++) await refused(store.authenticate("01", pw("999999")), "wrong-password");
    const locked = await refused(store.authenticate("01", pw("999999")), "locked");
    expect(locked.details.lockedUntil?.getTime()).toBe(clock.time + 60_000);
    await refused(store.authenticate("01", pw("101010")), "locked");
    // The lock survives a restart.
    const reopened = await UserStore.open(path, { scrypt: FAST, clock: clock.now });
    await refused(reopened.authenticate("01", pw("101010")), "locked");
    clock.advance(59_999);
    await refused(store.authenticate("01", pw("101010")), "locked");
    clock.advance(1);
    // Lock expired: 4 more failures are allowed, the 5th locks again, twice as long.
    for (let i = 0; i < 4; i++) await refused(store.authenticate("01", pw("999999")), "wrong-password");
    const second = await refused(store.authenticate("01", pw("999999")), "locked");
    expect(second.details.lockedUntil?.getTime()).toBe(clock.time + 120_000);
    clock.advance(60_000);
    await refused(store.authenticate("01", pw("101010")), "locked");
    clock.advance(60_000);
    expect(await store.authenticate("01", pw("101010"))).toEqual({ userId: "01", role: "operator" });
    // Success resets the growth: the next lock is the base period again.
    for (let i = 0; i < 4; i++) await refused(store.authenticate("01", pw("999999")), "wrong-password");
    const third = await refused(store.authenticate("01", pw("999999")), "locked");
    expect(third.details.lockedUntil?.getTime()).toBe(clock.time + 60_000);
    // Other users are not affected.
    expect(await store.authenticate("00", pw("800800"))).toMatchObject({ role: "admin" });
  });

  it("caps the lock period and honours the configured policy", async () => {
    const settings = parseAdminSettings({
      lockout: { maxFailures: 2, baseLockMs: 10_000, maxLockMs: 15_000 },
    });
    const { store, clock } = await ready({ settings });
    await refused(store.authenticate("01", pw("999999")), "wrong-password");
    expect(
      (await refused(store.authenticate("01", pw("999999")), "locked")).details.lockedUntil?.getTime(),
    ).toBe(clock.time + 10_000);
    clock.advance(10_000);
    await refused(store.authenticate("01", pw("999999")), "wrong-password");
    expect(
      (await refused(store.authenticate("01", pw("999999")), "locked")).details.lockedUntil?.getTime(),
    ).toBe(clock.time + 15_000);
  });

  it("counts failures of concurrent attempts one by one", async () => {
    const { store } = await ready();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => store.authenticate("01", pw("999999"))),
    );
    const reasons = results.map((r) => (r.status === "rejected" ? (r.reason as AdminError).reason : "ok"));
    expect(reasons).toEqual([
      "wrong-password",
      "wrong-password",
      "wrong-password",
      "wrong-password",
      "locked",
      "locked",
    ]);
  });

  it("authorises by role: operators may not void, refund or settle by default", async () => {
    const { store } = await ready();
    await refused(store.authorize("01", pw("101010"), "void"), "forbidden");
    await refused(store.authorize("01", pw("101010"), "refund"), "forbidden");
    await refused(store.authorize("01", pw("101010"), "settlement"), "forbidden");
    expect(await store.authorize("01", pw("101010"), "reprint")).toEqual({ userId: "01", role: "operator" });
    expect(await store.authorize("00", pw("800800"), "void")).toEqual({ userId: "00", role: "admin" });
    // A wrong password is a wrong password before it is a permission question.
    await refused(store.authorize("00", pw("999999"), "void"), "wrong-password");
    // An expired default opens nothing.
    await refused(store.authorize("99", pw("12345678"), "factory-reset"), "expired");
  });

  it("follows a configured permissions table", async () => {
    const settings = parseAdminSettings({ permissions: { refund: ["operator", "admin"] } });
    const { store } = await ready({ settings });
    expect(await store.authorize("01", pw("101010"), "refund")).toMatchObject({ role: "operator" });
    await refused(store.authorize("01", pw("101010"), "void"), "forbidden");
  });

  it("lets an administrator set another user's password, which its owner must then change", async () => {
    const { store } = await ready();
    await store.setPassword({ userId: "00", password: pw("800800") }, "01", pw("202020"));
    await refused(store.authenticate("01", pw("101010")), "wrong-password");
    await refused(store.authenticate("01", pw("202020")), "expired");
    await store.changePassword("01", pw("202020"), pw("303030"));
    expect(await store.authenticate("01", pw("303030"))).toMatchObject({ role: "operator" });
    // A new operator number.
    await store.setPassword({ userId: "00", password: pw("800800") }, "07", pw("707070"));
    expect(store.list().find((u) => u.userId === "07")).toEqual({
      userId: "07",
      role: "operator",
      expired: true,
    });
    // Operators may not, and nobody resets their own this way.
    await refused(
      store.setPassword({ userId: "01", password: pw("303030") }, "00", pw("111111")),
      "forbidden",
    );
    await refused(
      store.setPassword({ userId: "00", password: pw("800800") }, "00", pw("111111")),
      "forbidden",
    );
  });

  it("re-hashes under raised parameters at the next successful log-in", async () => {
    const { path } = await ready();
    const raised = await UserStore.open(path, { scrypt: { N: 2 ** 11, r: 8, p: 1 } });
    await raised.authenticate("00", pw("800800"));
    const file = JSON.parse(readFileSync(path, "utf8"));
    expect(file.users["00"].password.N).toBe(2048);
    expect(file.users["01"].password.N).toBe(1024);
    expect(await raised.authenticate("00", pw("800800"))).toMatchObject({ role: "admin" });
  });

  it("refuses a malformed user file", async () => {
    const { path } = await open();
    const file = JSON.parse(readFileSync(path, "utf8"));
    file.users["00"].password.N = 2 ** 30;
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path, JSON.stringify(file));
    await expect(UserStore.open(path)).rejects.toThrow(/users\.00\.password/);
    writeFileSync(path, "{");
    await expect(UserStore.open(path)).rejects.toMatchObject({ reason: "user-file" });
  });
});
