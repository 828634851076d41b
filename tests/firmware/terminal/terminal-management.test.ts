import { describe, expect, it } from "vitest";
import { PASSWORD_CHANGE_REFUSALS } from "../../../firmware/terminal/index.js";
import { terminalView } from "../../../firmware/ui/index.js";
import { flush, startTerminal } from "./terminal-harness.js";

async function atManagement() {
  const t = startTerminal();
  await t.bootToIdle();
  t.press("menu", "6");
  expect(t.state()).toBe("managementMenu");
  return t;
}

const screen = (t: Awaited<ReturnType<typeof atManagement>>) => terminalView(t.actor.getSnapshot());

describe("terminal chart: D0 到账查询 / Instant settlement", () => {
  it("queries, shows the summary, prints the slip on Enter and returns to the management menu", async () => {
    const t = await atManagement();
    expect(screen(t).lines).toContainEqual({ zh: "7 D0 到账查询", en: "7 Instant settlement" });
    t.press("7");
    expect(t.state()).toBe("instantQuerying");
    expect(t.services.isPending("queryInstantSettlement")).toBe(true);
    t.services.resolve("queryInstantSettlement", {
      ok: true,
      enabled: true,
      zh: "可用余额 ¥19.88",
      en: "Balance CNY 19.88",
    });
    await flush();
    expect(t.state()).toBe("instantSummary");
    expect(screen(t).lines[0]).toEqual({ zh: "可用余额 ¥19.88", en: "Balance CNY 19.88" });
    t.press("enter");
    expect(t.state()).toBe("instantPrinting");
    t.services.resolve("printInstantSettlement", { ok: true });
    await flush();
    expect(t.state()).toBe("managementMenu");
  });

  it("Cancel on the summary goes back without printing", async () => {
    const t = await atManagement();
    t.press("7");
    t.services.resolve("queryInstantSettlement", { ok: true, enabled: true, zh: "x", en: "x" });
    await flush();
    t.press("cancel");
    expect(t.state()).toBe("managementMenu");
    expect(t.services.calls.some((c) => c.service === "printInstantSettlement")).toBe(false);
  });

  it("a merchant without D0, a refusal, a link failure and a paper-out end on the management notice", async () => {
    const t = await atManagement();
    t.press("7");
    t.services.resolve("queryInstantSettlement", {
      ok: true,
      enabled: false,
      zh: "本商户未开通实时到账",
      en: "Instant settlement (D0) is not enabled",
    });
    await flush();
    expect(t.state()).toBe("managementNotice");
    expect(screen(t).lines[0]!.zh).toBe("本商户未开通实时到账");
    t.press("enter");
    t.press("7");
    t.services.reject("queryInstantSettlement", new Error("link down"));
    await flush();
    expect(t.state()).toBe("managementNotice");
    expect(screen(t).lines[0]!.en).toBe("D0 query failed: communication error");
    t.press("enter", "7");
    t.services.resolve("queryInstantSettlement", { ok: true, enabled: true, zh: "x", en: "x" });
    await flush();
    t.press("enter");
    t.services.resolve("printInstantSettlement", { ok: false, paperOut: true, zh: "缺纸", en: "Paper out" });
    await flush();
    expect(t.state()).toBe("managementNotice");
    expect(screen(t).lines[0]!.en).toBe("Paper out");
  });

  it("Cancel while querying aborts the request", async () => {
    const t = await atManagement();
    t.press("7");
    const signal = t.services.signals.at(-1)!;
    expect(signal.aborted).toBe(false);
    t.actor.send({ type: "TAMPER" });
    expect(signal.aborted).toBe(true);
    expect(t.state()).toBe("tampered");
  });
});

describe("terminal chart: 修改密码 / Change password", () => {
  async function typeChange(current: string, next: string, repeat: string) {
    const t = await atManagement();
    t.press("8");
    expect(t.state()).toBe("passwordUser");
    t.type("01");
    t.press("enter");
    expect(t.state()).toBe("passwordCurrent");
    t.type(current);
    expect(screen(t).lines[1]).toEqual({
      zh: `${"*".repeat(current.length)}_`,
      en: `${"*".repeat(current.length)}_`,
    });
    t.press("enter");
    expect(t.state()).toBe("passwordNew");
    expect(screen(t).lines[1]!.zh).toBe("_");
    t.type(next);
    t.press("enter");
    expect(t.state()).toBe("passwordRepeat");
    t.type(repeat);
    t.press("enter");
    expect(t.state()).toBe("changingPassword");
    return t;
  }

  it("hands user, current, new and repeat to the service, zeroes them, shows success, back on Enter", async () => {
    const t = await typeChange("123456", "654321", "654321");
    expect(t.services.lastCall("changePassword")).toEqual([{ userId: "01" }]);
    expect(t.services.changeDigits.at(-1)).toEqual({ current: "123456", next: "654321", repeat: "654321" });
    t.services.resolve("changePassword", { ok: true, zh: "密码修改成功", en: "Password changed" });
    await flush();
    for (const password of t.services.changes.at(-1)!) expect(password.every((b) => b === 0)).toBe(true);
    expect(t.state()).toBe("passwordResult");
    expect(screen(t).lines[0]).toEqual({ zh: "密码修改成功", en: "Password changed" });
    // No digit of any password is in the snapshot the UI and logs see.
    expect(JSON.stringify(t.actor.getPersistedSnapshot())).not.toMatch(/123456|654321/);
    t.press("enter");
    expect(t.state()).toBe("managementMenu");
  });

  it("shows each refusal's text in zh/en", async () => {
    for (const [reason, text] of Object.entries(PASSWORD_CHANGE_REFUSALS)) {
      const t = await typeChange("123456", "12", "12");
      t.services.resolve("changePassword", { ok: false, reason, ...text });
      await flush();
      expect(t.state()).toBe("passwordResult");
      expect(screen(t).lines[0]).toEqual(text);
      t.actor.stop();
    }
  });

  it("a service failure says so; a short current password cannot be submitted; Clear erases", async () => {
    const t = await atManagement();
    t.press("8");
    t.type("01");
    t.press("enter");
    t.type("12345");
    t.press("enter");
    expect(t.state()).toBe("passwordCurrent");
    t.type("67");
    t.press("clear");
    expect(t.actor.getSnapshot().context.passwordLength).toBe(6);
    t.press("enter");
    t.type("1");
    t.press("enter");
    t.type("2");
    t.press("enter");
    expect(t.services.changeDigits.at(-1)).toEqual({ current: "123456", next: "1", repeat: "2" });
    t.services.reject("changePassword", new Error("user file unreadable"));
    await flush();
    expect(screen(t).lines[0]!.en).toBe("Password change failed: system fault");
  });

  it("Cancel in any field goes back to the management menu and the next change starts empty", async () => {
    const t = await atManagement();
    t.press("8");
    t.type("01");
    t.press("enter");
    t.type("111111");
    t.press("enter");
    t.type("222");
    t.press("cancel");
    expect(t.state()).toBe("managementMenu");
    expect(t.actor.getSnapshot().context.passwordChangeUser).toBeUndefined();
    t.press("8");
    t.type("02");
    t.press("enter");
    t.type("333333");
    t.press("enter", "4", "enter", "4", "enter");
    // Nothing of the abandoned attempt leaks into this one.
    expect(t.services.changeDigits.at(-1)).toEqual({ current: "333333", next: "4", repeat: "4" });
    expect(t.services.lastCall("changePassword")).toEqual([{ userId: "02" }]);
  });
});
