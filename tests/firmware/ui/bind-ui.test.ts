import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { bindUi, ConsoleUi, type ScreenView, terminalView } from "../../../firmware/ui/index.js";
import { flush, startTerminal } from "../terminal/terminal-harness.js";

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

describe("bindUi", () => {
  it("shows each state's screen with the amount being typed, and forwards keys typed on the console", async () => {
    const terminal = startTerminal();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => {
      printed += chunk.toString("utf8");
    });
    const ui = new ConsoleUi(output, input, { mode: "plain" });
    const unbind = bindUi(terminal.actor, ui, ui);
    expect(printed).toBe("[selfTest] 自检 | Self-test\n  正在检查设备… | Checking the devices…\n");
    await terminal.bootToIdle();
    input.write("12");
    await settle();
    expect(terminal.state()).toBe("amountEntry");
    input.write("3\x7f\x7f5\r");
    await settle();
    expect(terminal.state()).toBe("tipEntry");
    const screens = printed.split("\n").filter((line) => line.startsWith("["));
    expect(screens).toEqual([
      "[selfTest] 自检 | Self-test",
      "[recoverJournal] 恢复流水 | Journal recovery",
      "[signIn] 签到 | Sign-in",
      "[idle] 欢迎使用 | Welcome",
      "[amountEntry] 输入金额 | Enter amount",
      "[amountEntry] 输入金额 | Enter amount",
      "[amountEntry] 输入金额 | Enter amount",
      "[amountEntry] 输入金额 | Enter amount",
      "[amountEntry] 输入金额 | Enter amount",
      "[amountEntry] 输入金额 | Enter amount",
      "[tipEntry] 输入小费 | Enter tip",
    ]);
    const amounts = printed.split("\n").filter((line) => line.includes("Amount: "));
    expect(amounts).toEqual([
      "  金额：¥0.01 | Amount: ¥0.01",
      "  金额：¥0.12 | Amount: ¥0.12",
      "  金额：¥1.23 | Amount: ¥1.23",
      "  金额：¥0.12 | Amount: ¥0.12",
      "  金额：¥0.01 | Amount: ¥0.01",
      "  金额：¥0.15 | Amount: ¥0.15",
      "  金额：¥0.15 | Amount: ¥0.15",
    ]);
    unbind();
    input.write("1");
    await settle();
    expect(terminal.actor.getSnapshot().context.tipDigits).toBe("");
    ui.close();
  });

  it("shows a screen only when it changes", async () => {
    const terminal = startTerminal();
    const shown: ScreenView[] = [];
    const unbind = bindUi(terminal.actor, { show: (view) => shown.push(view) }, { onKey: () => () => {} });
    terminal.press("1", "enter", "menu");
    await flush();
    expect(shown.map((v) => v.state)).toEqual(["selfTest"]);
    unbind();
  });
});

describe("terminalView", () => {
  it("fills the result message and the balance from the context", async () => {
    const t = startTerminal();
    await t.bootToIdle();
    t.press("menu", "5");
    t.services.resolve("waitForCard", { mode: "tap", handle: "c" });
    await flush();
    t.services.resolve("runTransaction", {
      journalId: 3,
      status: "approved",
      balance: 5,
      zh: "成功",
      en: "Done",
    });
    await flush();
    expect(terminalView(t.actor.getSnapshot())).toEqual({
      state: "balanceShown",
      title: { zh: "余额查询", en: "Balance inquiry" },
      lines: [{ zh: "余额：¥0.05", en: "Balance: ¥0.05" }],
    });
  });

  it("shows the digits typed into an original-transaction field", async () => {
    const t = startTerminal();
    await t.bootToIdle();
    t.press("menu", "2");
    t.type("12");
    expect(terminalView(t.actor.getSnapshot()).lines).toEqual([
      { zh: "撤销", en: "Void" },
      { zh: "原凭证号：", en: "Original trace no.:" },
      { zh: "12_", en: "12_" },
    ]);
  });
});
