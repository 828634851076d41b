import { describe, expect, it } from "vitest";
import type { AdminFunction } from "../../../firmware/admin/index.js";
import { AUTH_REFUSALS, type AuthorizationRefusal } from "../../../firmware/terminal/index.js";
import { bindUi, type ScreenView, terminalView } from "../../../firmware/ui/index.js";
import { ALL_FEATURES, type ScriptedProfile } from "./scripted-services.js";
import { GUARDED_FUNCTIONS } from "./terminal-graph.js";
import { flush, startTerminal } from "./terminal-harness.js";

const profile = (restricted: readonly AdminFunction[]): ScriptedProfile => ({
  features: { ...ALL_FEATURES, tips: false },
  lastJournalId: 7,
  journal: { "000001": 7 },
  restricted,
});
/** The default permissions table: sign-out and reprints are every operator's. */
const DEFAULT_RESTRICTED: AdminFunction[] = [
  "void",
  "refund",
  "settlement",
  "preauth-void",
  "completion-void",
  "parameter-download",
];
const card = { mode: "insert", handle: "chip-1" };
const ascii = (digits: string) => Buffer.from(digits, "latin1");
const isZero = (buffer: Buffer | undefined) => buffer?.every((byte) => byte === 0) === true;

async function atIdle(restricted: readonly AdminFunction[] = GUARDED_FUNCTIONS) {
  const terminal = startTerminal(profile(restricted));
  await terminal.bootToIdle();
  expect(terminal.state()).toBe("idle");
  return terminal;
}
type Terminal = Awaited<ReturnType<typeof atIdle>>;

/** User number and password typed, Enter pressed: the chart is authorizing. */
function logIn(t: Terminal, userId: string, password: string) {
  expect(t.state()).toBe("authUser");
  t.type(userId);
  t.press("enter");
  expect(t.state()).toBe("authPassword");
  t.type(password);
  t.press("enter");
  expect(t.state()).toBe("authorizing");
}

const refusal = (reason: AuthorizationRefusal) => ({ ok: false, reason, ...AUTH_REFUSALS[reason] });

describe("role check before a restricted function", () => {
  it("a void needing authorization proceeds after a good password, and the void then runs as before", async () => {
    const t = await atIdle(DEFAULT_RESTRICTED);
    t.press("menu", "2");
    expect(t.state()).toBe("authUser");
    expect(t.services.lastCall("needsAuthorization")).toEqual(["void"]);
    expect(terminalView(t.actor.getSnapshot()).lines).toEqual([
      { zh: "撤销", en: "Void" },
      { zh: "请输入操作员号：", en: "User number:" },
      { zh: "_", en: "_" },
    ]);
    logIn(t, "00", "246810");
    expect(t.services.lastCall("authorize")).toEqual([{ fn: "void", userId: "00" }]);
    expect(t.services.passwords[0]).toEqual(ascii("246810"));
    t.press("cancel", "menu", "1");
    expect(t.state()).toBe("authorizing");
    t.services.resolve("authorize", { ok: true, userId: "00" });
    await flush();
    expect(t.state()).toBe("originalStan");
    expect(t.actor.getSnapshot().context).toMatchObject({ type: "void", auth: undefined, passwordLength: 0 });
    t.type("1");
    t.press("enter");
    expect(t.state()).toBe("amountEntry");
    t.type("100");
    t.press("enter");
    await flush();
    t.services.resolve("waitForCard", card);
    await flush();
    expect(t.services.lastCall("runTransaction")).toEqual([
      { type: "void", amount: 100, tip: 0, card, original: { stan: "000001" } },
    ]);
  });

  it("without a restriction the function starts at once and authorize is never called", async () => {
    const t = await atIdle([]);
    t.press("menu", "2");
    expect(t.state()).toBe("originalStan");
    t.press("cancel", "menu", "6", "2");
    expect(t.state()).toBe("signingOut");
    expect(t.services.lastCall("authorize")).toBeUndefined();
  });

  it("follows the permissions table: sign-out and reprint go straight in, settlement asks", async () => {
    const t = await atIdle(DEFAULT_RESTRICTED);
    t.press("menu", "6", "4");
    expect(t.state()).toBe("printing");
    t.services.resolve("printSlip", { ok: true });
    await flush();
    t.press("menu", "6", "3");
    expect(t.state()).toBe("authUser");
    t.press("cancel");
    expect(t.state()).toBe("managementMenu");
    t.press("2");
    expect(t.state()).toBe("signingOut");
    expect(t.services.calls.filter((c) => c.service === "authorize")).toHaveLength(0);
  });

  const continuations: [string, (t: Terminal) => void, AdminFunction, string, Record<string, unknown>][] = [
    ["refund", (t) => t.press("menu", "3"), "refund", "originalStan", { type: "refund" }],
    [
      "pre-auth void",
      (t) => t.press("menu", "4", "2"),
      "preauth-void",
      "originalStan",
      { type: "preauth-void" },
    ],
    [
      "completion void",
      (t) => t.press("menu", "4", "4"),
      "completion-void",
      "originalStan",
      { type: "preauth-completion-void" },
    ],
    ["sign-out", (t) => t.press("menu", "6", "2"), "sign-out", "signingOut", {}],
    ["settlement", (t) => t.press("menu", "6", "3"), "settlement", "settleConfirm", {}],
    [
      "reprint last",
      (t) => t.press("menu", "6", "4"),
      "reprint",
      "printing",
      { printJob: { journalId: 7, reprint: true } },
    ],
    ["reprint by trace number", (t) => t.press("menu", "6", "5"), "reprint", "reprintStan", { entry: "" }],
    ["parameter download", (t) => t.press("menu", "6", "6"), "parameter-download", "downloading", {}],
  ];
  for (const [name, open, fn, first, context] of continuations) {
    it(`${name}: asks for ${fn}, then starts in ${first}`, async () => {
      const t = await atIdle();
      open(t);
      logIn(t, "99", "13579135");
      expect(t.services.lastCall("authorize")).toEqual([{ fn, userId: "99" }]);
      t.services.resolve("authorize", { ok: true, userId: "99" });
      await flush();
      expect(t.state()).toBe(first);
      expect(t.actor.getSnapshot().context).toMatchObject({ ...context, auth: undefined });
    });
  }

  it("reprint last with an empty journal says so without asking for a password", async () => {
    const t = startTerminal({ ...profile(GUARDED_FUNCTIONS), lastJournalId: undefined });
    await t.bootToIdle();
    t.press("menu", "6", "4");
    expect(t.state()).toBe("noTransaction");
  });
});

describe("user number and password entry", () => {
  it("takes two digits for the user number, Clear deletes, Enter waits for both", async () => {
    const t = await atIdle();
    t.press("menu", "2", "0", "enter");
    expect(t.state()).toBe("authUser");
    t.type("12");
    expect(t.actor.getSnapshot().context.entry).toBe("01");
    t.press("clear", "clear");
    t.type("05");
    t.press("enter");
    expect(t.state()).toBe("authPassword");
    expect(terminalView(t.actor.getSnapshot()).lines[1]).toEqual({ zh: "操作员：05", en: "User: 05" });
  });

  it("masks the password, Clear is backspace, Enter needs 6 digits, at most 12 are taken", async () => {
    const t = await atIdle();
    t.press("menu", "2");
    t.type("01");
    t.press("enter");
    t.type("12345");
    expect(terminalView(t.actor.getSnapshot()).lines[3]).toEqual({ zh: "*****_", en: "*****_" });
    t.press("enter");
    expect(t.state()).toBe("authPassword");
    t.type("67");
    t.press("clear");
    t.type("890123456789");
    expect(t.actor.getSnapshot().context.passwordLength).toBe(12);
    expect(terminalView(t.actor.getSnapshot()).lines[3]?.en).toBe("************_");
    t.press("enter");
    expect(t.state()).toBe("authorizing");
    expect(t.services.passwords[0]).toEqual(ascii("123456890123"));
  });

  it("never shows the password, nor keeps it in the chart's state", async () => {
    const t = await atIdle();
    const shown: ScreenView[] = [];
    const unbind = bindUi(t.actor, { show: (view) => shown.push(view) }, { onKey: () => () => {} });
    const snapshots: string[] = [];
    const subscription = t.actor.subscribe(() =>
      snapshots.push(JSON.stringify(t.actor.getPersistedSnapshot())),
    );
    t.press("menu", "2");
    t.type("00");
    t.press("enter");
    t.type("987654");
    const typing = shown.filter((view) => view.state === "authPassword");
    expect(typing.map((view) => view.lines[3]?.zh)).toEqual([
      "_",
      "*_",
      "**_",
      "***_",
      "****_",
      "*****_",
      "******_",
    ]);
    t.press("enter");
    t.services.resolve("authorize", refusal("wrong-password"));
    await flush();
    unbind();
    subscription.unsubscribe();
    const everything = [JSON.stringify(shown), ...snapshots].join("\n");
    expect(everything).not.toMatch(/9\D*8\D*7\D*6\D*5\D*4/);
    for (const view of typing) {
      const text = JSON.stringify([view.title, view.lines[0], view.lines[2], view.lines[3]]);
      expect(text).not.toMatch(/\d/);
    }
  });

  it("Cancel while typing the user number or password abandons: a transaction to idle, management to its menu", async () => {
    const t = await atIdle();
    t.press("menu", "3");
    t.press("cancel");
    expect(t.state()).toBe("idle");
    t.press("menu", "3");
    t.type("00");
    t.press("enter");
    t.type("123");
    t.press("cancel");
    expect(t.state()).toBe("idle");
    expect(t.actor.getSnapshot().context).toMatchObject({ auth: undefined, passwordLength: 0, entry: "" });
    t.press("menu", "6", "3");
    t.type("99");
    t.press("enter");
    t.press("cancel");
    expect(t.state()).toBe("managementMenu");
    // What was typed before Cancel is gone: the next attempt sends only its own digits.
    t.press("3");
    t.type("99");
    t.press("enter");
    t.type("456789");
    t.press("enter");
    expect(t.services.passwords).toHaveLength(1);
    expect(t.services.passwords[0]).toEqual(ascii("456789"));
  });
});

describe("the password Buffer", () => {
  it("is zeroed once authorize settles: approved, refused, or failed", async () => {
    const t = await atIdle();
    const outcomes: ((t: Terminal) => void)[] = [
      (u) => u.services.resolve("authorize", { ok: true, userId: "00" }),
      (u) => u.services.resolve("authorize", refusal("wrong-password")),
      (u) => u.services.reject("authorize", new Error("user file unreadable")),
    ];
    for (const [index, settle] of outcomes.entries()) {
      t.press("menu", "6", "3");
      logIn(t, "00", `80808${index}`);
      const password = t.services.passwords[index];
      expect(password).toEqual(ascii(`80808${index}`));
      settle(t);
      expect(password).toEqual(ascii(`80808${index}`));
      await flush();
      expect(isZero(password), `outcome ${index}`).toBe(true);
      t.press("cancel");
      if (t.state() !== "managementMenu") t.press("cancel");
      expect(t.state()).toBe("managementMenu");
      t.press("cancel");
    }
  });

  it("is zeroed when the answer comes after a tamper cut the check off", async () => {
    const t = await atIdle();
    t.press("menu", "2");
    logIn(t, "00", "112233");
    t.actor.send({ type: "TAMPER" });
    expect(t.state()).toBe("tampered");
    const password = t.services.passwords[0];
    expect(password).toEqual(ascii("112233"));
    t.services.resolve("authorize", { ok: true, userId: "00" });
    await flush();
    expect(t.state()).toBe("tampered");
    expect(isZero(password)).toBe(true);
  });

  it("a tamper while typing ends the attempt: the next one starts empty", async () => {
    const t = await atIdle();
    t.press("menu", "2");
    t.type("00");
    t.press("enter");
    t.type("999");
    t.actor.send({ type: "TAMPER" });
    t.actor.send({ type: "REKEYED" });
    await t.bootToIdle();
    t.press("menu", "2");
    logIn(t, "00", "111111");
    expect(t.services.passwords[0]).toEqual(ascii("111111"));
  });
});

describe("refusals", () => {
  const reasons: [AuthorizationRefusal, string, string][] = [
    ["wrong-password", "密码错误", "Wrong password"],
    ["unknown-user", "操作员不存在", "Unknown user number"],
    ["locked", "已锁定 请稍后再试", "Locked: try later"],
    ["expired", "密码已过期 请修改", "Password expired: change it"],
    ["forbidden", "无权限", "Not permitted"],
  ];
  for (const [reason, zh, en] of reasons) {
    it(`${reason}: the refused screen says "${en}"`, async () => {
      const t = await atIdle();
      t.press("menu", "2");
      logIn(t, "01", "000000");
      t.services.resolve("authorize", refusal(reason));
      await flush();
      expect(t.state()).toBe("authRefused");
      expect(terminalView(t.actor.getSnapshot())).toEqual({
        state: "authRefused",
        title: { zh: "授权失败", en: "Not authorized" },
        lines: [{ zh, en }],
      });
    });
  }

  it("wrong password → refused screen → back to the menu it came from; nothing else started", async () => {
    const t = await atIdle();
    t.press("menu", "2");
    logIn(t, "00", "654321");
    t.services.resolve("authorize", refusal("wrong-password"));
    await flush();
    expect(t.state()).toBe("authRefused");
    t.press("1", "menu", "clear");
    expect(t.state()).toBe("authRefused");
    t.press("enter");
    expect(t.state()).toBe("mainMenu");
    expect(t.actor.getSnapshot().context).toMatchObject({
      type: "sale",
      auth: undefined,
      message: undefined,
    });
    t.press("4", "2");
    logIn(t, "00", "654321");
    t.services.resolve("authorize", refusal("locked"));
    await flush();
    t.press("cancel");
    expect(t.state()).toBe("preauthMenu");
    t.press("cancel", "6", "6");
    logIn(t, "00", "654321");
    t.services.resolve("authorize", refusal("forbidden"));
    await flush();
    t.press("enter");
    expect(t.state()).toBe("managementMenu");
    expect(t.services.lastCall("runTransaction")).toBeUndefined();
    expect(t.services.lastCall("downloadParameters")).toBeUndefined();
  });

  it("a failing user store reads as a system fault", async () => {
    const t = await atIdle();
    t.press("menu", "6", "2");
    logIn(t, "00", "654321");
    t.services.reject("authorize", new Error("EIO"));
    await flush();
    expect(terminalView(t.actor.getSnapshot()).lines[0]).toEqual({
      zh: "授权失败：系统故障",
      en: "Authorization failed: system fault",
    });
    t.press("enter");
    expect(t.state()).toBe("managementMenu");
    expect(t.services.lastCall("signOut")).toBeUndefined();
  });
});
