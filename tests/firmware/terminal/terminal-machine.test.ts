import { describe, expect, it } from "vitest";
import type { RiskDecision, TransactionRequest } from "../../../firmware/terminal/index.js";
import { terminalView } from "../../../firmware/ui/index.js";
import { ALL_FEATURES } from "./scripted-services.js";
import { flush, startTerminal } from "./terminal-harness.js";

const approved = { journalId: 7, status: "approved", responseCode: "00", zh: "交易成功", en: "Approved" };
const card = { mode: "insert", handle: "chip-1" };
const noTips = { features: { ...ALL_FEATURES, tips: false }, lastJournalId: 7, journal: { "000001": 7 } };

async function atIdle(...args: Parameters<typeof startTerminal>) {
  const terminal = startTerminal(...args);
  await terminal.bootToIdle();
  expect(terminal.state()).toBe("idle");
  return terminal;
}

describe("boot", () => {
  it("goes out of service on a fatal fault, names it, and retries the self-test on Enter", async () => {
    const t = startTerminal();
    t.services.resolve("selfTest", {
      ok: false,
      faults: [
        { device: "printer", message: "paper low", fatal: false },
        { device: "pinpad", message: "no answer", fatal: true },
      ],
    });
    await flush();
    expect(t.state()).toBe("outOfService");
    expect(terminalView(t.actor.getSnapshot()).lines[0]?.en).toBe("pinpad: no answer");
    t.press("cancel", "menu", "1");
    expect(t.state()).toBe("outOfService");
    t.press("enter");
    expect(t.state()).toBe("selfTest");
    expect(t.services.isPending("selfTest")).toBe(true);
  });

  it("carries on past non-fatal faults and signs in after journal recovery", async () => {
    const t = startTerminal();
    t.services.resolve("selfTest", {
      ok: false,
      faults: [{ device: "modem", message: "weak signal", fatal: false }],
    });
    await flush();
    expect(t.state()).toBe("recoverJournal");
    t.services.resolve("recoverJournal", { reversalsPending: 1, slipsToPrint: 1, settlementResumed: false });
    await flush();
    expect(t.state()).toBe("signIn");
    t.services.resolve("signIn", { ok: true, batch: "000042" });
    await flush();
    expect(t.state()).toBe("idle");
    expect(t.actor.getSnapshot().context).toMatchObject({ signedIn: true, batch: "000042" });
  });

  it("on a refused sign-in shows the host's text; Enter retries, Menu opens management, Cancel comes back", async () => {
    const t = startTerminal();
    t.services.resolve("selfTest", { ok: true, faults: [] });
    await flush();
    t.services.resolve("recoverJournal", { reversalsPending: 0, slipsToPrint: 0, settlementResumed: false });
    await flush();
    t.services.resolve("signIn", { ok: false, zh: "终端未登记", en: "Terminal not registered" });
    await flush();
    expect(t.state()).toBe("signInFailed");
    expect(terminalView(t.actor.getSnapshot()).lines[0]).toEqual({
      zh: "终端未登记",
      en: "Terminal not registered",
    });
    t.press("menu");
    expect(t.state()).toBe("managementMenu");
    t.press("cancel");
    expect(t.state()).toBe("signInFailed");
    t.press("enter");
    expect(t.state()).toBe("signIn");
    t.services.reject("signIn", new Error("ECONNREFUSED"));
    await flush();
    expect(t.state()).toBe("signInFailed");
  });
});

describe("amount entry", () => {
  it("builds the amount in fen from digits, Clear is backspace, at most 12 digits", async () => {
    const t = await atIdle();
    t.type("1234");
    expect(t.state()).toBe("amountEntry");
    expect(terminalView(t.actor.getSnapshot()).lines[1]?.en).toBe("Amount: ¥12.34");
    t.press("clear");
    expect(t.actor.getSnapshot().context.amountDigits).toBe("123");
    t.press("clear", "clear", "clear", "clear");
    expect(t.actor.getSnapshot().context.amountDigits).toBe("");
    t.type("00");
    expect(t.actor.getSnapshot().context.amountDigits).toBe("");
    t.type("987654321098765");
    expect(t.actor.getSnapshot().context.amountDigits).toBe("987654321098");
    expect(terminalView(t.actor.getSnapshot()).lines[1]?.zh).toBe("金额：¥9,876,543,210.98");
  });

  it("refuses a zero amount on screen and goes back to the entry", async () => {
    const t = await atIdle();
    t.press("menu", "1", "enter");
    expect(t.state()).toBe("zeroAmount");
    t.press("enter");
    expect(t.state()).toBe("amountEntry");
    t.press("enter", "clear");
    expect(t.state()).toBe("amountEntry");
    t.press("cancel");
    expect(t.state()).toBe("idle");
  });

  it("Cancel abandons the transaction", async () => {
    const t = await atIdle();
    t.type("5");
    t.press("cancel");
    expect(t.state()).toBe("idle");
    expect(t.actor.getSnapshot().context.amountDigits).toBe("");
  });
});

describe("a sale from amount to slip", () => {
  it("asks the tip, checks the limits, waits for the card, runs the transaction and prints", async () => {
    const t = await atIdle();
    t.type("1000");
    t.press("enter");
    expect(t.state()).toBe("tipEntry");
    t.type("50");
    t.press("enter");
    expect(t.state()).toBe("riskCheck");
    await flush();
    expect(t.services.lastCall("riskCheck")).toEqual([{ type: "sale", amount: 1050 }]);
    expect(t.state()).toBe("presentCard");
    expect(t.services.lastCall("waitForCard")).toEqual([{ type: "sale", amount: 1050 }]);
    expect(terminalView(t.actor.getSnapshot()).lines[1]?.en).toBe("Amount: ¥10.50");
    t.services.resolve("waitForCard", card);
    await flush();
    expect(t.state()).toBe("processing");
    const request: TransactionRequest = {
      type: "sale",
      amount: 1050,
      tip: 50,
      card: card as TransactionRequest["card"],
    };
    expect(t.services.lastCall("runTransaction")).toEqual([request]);
    t.press("cancel", "enter", "menu", "1");
    expect(t.state()).toBe("processing");
    t.services.resolve("runTransaction", approved);
    await flush();
    expect(t.state()).toBe("approved");
    t.clock.increment(2_999);
    expect(t.state()).toBe("approved");
    t.clock.increment(1);
    expect(t.state()).toBe("printing");
    expect(t.services.lastCall("printSlip")).toEqual([7, { reprint: false }]);
    t.services.resolve("printSlip", { ok: true });
    await flush();
    expect(t.state()).toBe("idle");
    expect(t.actor.getSnapshot().context.outcome).toBeUndefined();
  });

  it("a card presented at idle starts a sale and is used without asking again", async () => {
    const t = await atIdle(noTips);
    t.actor.send({ type: "CARD_PRESENTED", card: { mode: "tap", handle: "ctls" } });
    expect(t.state()).toBe("amountEntry");
    t.type("88");
    t.press("enter");
    await flush();
    expect(t.state()).toBe("processing");
    expect(t.services.lastCall("waitForCard")).toBeUndefined();
    expect(t.services.lastCall("runTransaction")).toEqual([
      { type: "sale", amount: 88, tip: 0, card: { mode: "tap", handle: "ctls" } },
    ]);
  });

  it("Cancel while waiting for the card aborts the wait's signal", async () => {
    const t = await atIdle(noTips);
    t.type("1");
    t.press("enter");
    await flush();
    expect(t.state()).toBe("presentCard");
    const [signal] = t.services.signals;
    expect(signal?.aborted).toBe(false);
    t.press("cancel");
    expect(t.state()).toBe("idle");
    expect(signal?.aborted).toBe(true);
    await flush();
    expect(t.state()).toBe("idle");
  });

  it("gives up waiting for the card after 60 s", async () => {
    const t = await atIdle(noTips);
    t.type("1");
    t.press("enter");
    await flush();
    t.clock.increment(59_999);
    expect(t.state()).toBe("presentCard");
    t.clock.increment(1);
    expect(t.state()).toBe("idle");
    expect(t.services.signals[0]?.aborted).toBe(true);
  });

  it("a reader fault offers to try again", async () => {
    const t = await atIdle(noTips);
    t.type("1");
    t.press("enter");
    await flush();
    t.services.reject("waitForCard", new Error("reader fault"));
    await flush();
    expect(t.state()).toBe("cardError");
    t.press("enter");
    expect(t.state()).toBe("presentCard");
    expect(t.services.isPending("waitForCard")).toBe(true);
  });

  it("a declined transaction shows the host's text and prints nothing", async () => {
    const t = await atIdle(noTips);
    t.type("1");
    t.press("enter");
    await flush();
    t.services.resolve("waitForCard", card);
    await flush();
    t.services.resolve("runTransaction", {
      journalId: 8,
      status: "declined",
      responseCode: "51",
      zh: "余额不足",
      en: "Insufficient funds",
    });
    await flush();
    expect(t.state()).toBe("declined");
    expect(terminalView(t.actor.getSnapshot()).lines[0]?.en).toBe("Insufficient funds");
    t.press("enter");
    expect(t.state()).toBe("idle");
    expect(t.services.lastCall("printSlip")).toBeUndefined();
  });
});

describe("limits", () => {
  async function toRisk(answer: RiskDecision) {
    const t = await atIdle(noTips);
    t.services.riskAnswers.push(answer);
    t.type("500000");
    t.press("enter");
    await flush();
    return t;
  }

  it("a large amount asks for confirmation: Enter goes on, Cancel stops", async () => {
    const t = await toRisk({ kind: "confirm", zh: "大额交易", en: "Large amount" });
    expect(t.state()).toBe("confirmRisk");
    expect(terminalView(t.actor.getSnapshot()).lines[0]?.en).toBe("Large amount");
    t.press("enter");
    expect(t.state()).toBe("presentCard");
    const u = await toRisk({ kind: "confirm", zh: "大额交易", en: "Large amount" });
    u.press("cancel");
    expect(u.state()).toBe("idle");
  });

  it("a refused amount shows why and returns to idle", async () => {
    const t = await toRisk({ kind: "refuse", zh: "超过日累计限额", en: "Over the daily limit" });
    expect(t.state()).toBe("riskRefused");
    expect(terminalView(t.actor.getSnapshot()).lines[0]?.zh).toBe("超过日累计限额");
    t.press("enter");
    expect(t.state()).toBe("idle");
  });
});

describe("printing", () => {
  async function toPrinting() {
    const t = await atIdle(noTips);
    t.type("1");
    t.press("enter");
    await flush();
    t.services.resolve("waitForCard", card);
    await flush();
    t.services.resolve("runTransaction", approved);
    await flush();
    t.press("enter");
    expect(t.state()).toBe("printing");
    return t;
  }

  it("paper out: shows the prompt, Enter prints again", async () => {
    const t = await toPrinting();
    t.services.resolve("printSlip", { ok: false, paperOut: true, zh: "缺纸", en: "Paper out" });
    await flush();
    expect(t.state()).toBe("paperOut");
    expect(terminalView(t.actor.getSnapshot()).lines[0]?.en).toBe("Paper out: load paper, press Enter");
    t.press("1", "menu");
    expect(t.state()).toBe("paperOut");
    t.press("enter");
    expect(t.state()).toBe("printing");
    expect(t.services.calls.filter((c) => c.service === "printSlip")).toHaveLength(2);
    expect(t.services.lastCall("printSlip")).toEqual([7, { reprint: false }]);
    t.services.resolve("printSlip", { ok: true });
    await flush();
    expect(t.state()).toBe("idle");
  });

  it("paper out: the paper sensor's PAPER_LOADED also resumes, Cancel leaves the slip queued", async () => {
    const t = await toPrinting();
    t.services.resolve("printSlip", { ok: false, paperOut: true, zh: "缺纸", en: "Paper out" });
    await flush();
    t.actor.send({ type: "PAPER_LOADED" });
    expect(t.state()).toBe("printing");
    t.services.resolve("printSlip", { ok: false, paperOut: true, zh: "缺纸", en: "Paper out" });
    await flush();
    t.press("cancel");
    expect(t.state()).toBe("idle");
  });

  it("another printer fault shows its text and can be retried", async () => {
    const t = await toPrinting();
    t.services.reject("printSlip", new Error("EIO"));
    await flush();
    expect(t.state()).toBe("printFailed");
    expect(terminalView(t.actor.getSnapshot()).lines[0]?.en).toBe("Printer fault");
    t.press("enter");
    expect(t.state()).toBe("printing");
  });
});

describe("tamper", () => {
  const reach: Record<string, (t: Awaited<ReturnType<typeof atIdle>>) => Promise<void>> = {
    idle: async () => {},
    amountEntry: async (t) => t.type("12"),
    presentCard: async (t) => {
      t.type("12");
      t.press("enter");
      await flush();
    },
    processing: async (t) => {
      t.type("12");
      t.press("enter");
      await flush();
      t.services.resolve("waitForCard", card);
      await flush();
    },
    managementMenu: async (t) => t.press("menu", "6"),
    settleConfirm: async (t) => t.press("menu", "6", "3"),
  };

  for (const [name, go] of Object.entries(reach)) {
    it(`from ${name}: out of service, keys dead, until REKEYED boots again`, async () => {
      const t = await atIdle(noTips);
      await go(t);
      expect(t.state()).toBe(name);
      // The service a waiting state invoked (card wait, online transaction) is cut off.
      const active = name === "presentCard" || name === "processing" ? t.services.signals.at(-1) : undefined;
      expect(active?.aborted ?? false).toBe(false);
      t.actor.send({ type: "TAMPER" });
      expect(t.state()).toBe("tampered");
      if (active) expect(active.aborted).toBe(true);
      expect(t.actor.getSnapshot().context.signedIn).toBe(false);
      expect(terminalView(t.actor.getSnapshot()).lines[0]?.en).toBe("Keys erased: out of service");
      t.press("enter", "cancel", "menu", "1", "clear", "f1");
      t.actor.send({ type: "CARD_PRESENTED", card: { mode: "swipe", handle: "x" } });
      t.actor.send({ type: "PAPER_LOADED" });
      t.actor.send({ type: "TAMPER" });
      expect(t.state()).toBe("tampered");
      t.actor.send({ type: "REKEYED" });
      expect(t.state()).toBe("selfTest");
      await t.bootToIdle();
      expect(t.state()).toBe("idle");
    });
  }

  it("during boot too", async () => {
    const t = startTerminal();
    t.actor.send({ type: "TAMPER" });
    expect(t.state()).toBe("tampered");
  });
});

describe("other flows", () => {
  it("refund: original STAN, RRN and date, then the amount; the request carries the original", async () => {
    const t = await atIdle();
    t.press("menu", "3");
    expect(t.state()).toBe("originalStan");
    expect(terminalView(t.actor.getSnapshot()).lines[0]?.en).toBe("Refund");
    t.press("enter");
    expect(t.state()).toBe("originalStan");
    t.type("123");
    t.press("enter");
    expect(t.state()).toBe("originalRrn");
    t.type("12345678901");
    t.press("enter");
    expect(t.state()).toBe("originalRrn");
    t.type("2");
    t.press("enter");
    expect(t.state()).toBe("originalDate");
    t.type("1332");
    t.press("enter");
    expect(t.state()).toBe("originalDate");
    t.press("clear", "clear", "clear", "clear");
    t.type("0315");
    t.press("enter");
    expect(t.state()).toBe("amountEntry");
    t.type("500");
    t.press("enter");
    await flush();
    expect(t.state()).toBe("presentCard");
    t.services.resolve("waitForCard", card);
    await flush();
    expect(t.services.lastCall("runTransaction")).toEqual([
      {
        type: "refund",
        amount: 500,
        tip: 0,
        card,
        original: { stan: "000123", rrn: "123456789012", date: "0315" },
      },
    ]);
  });

  it("void: the original must be in the journal", async () => {
    const t = await atIdle();
    t.press("menu", "2");
    t.type("2");
    t.press("enter");
    expect(t.state()).toBe("originalNotFound");
    t.press("enter");
    expect(t.state()).toBe("idle");
    t.press("menu", "2");
    t.type("1");
    t.press("enter");
    expect(t.state()).toBe("amountEntry");
    expect(t.actor.getSnapshot().context.original).toEqual({ stan: "000001" });
  });

  it("completion: STAN, auth code and date", async () => {
    const t = await atIdle();
    t.press("menu", "4", "3");
    t.type("9");
    t.press("enter");
    expect(t.state()).toBe("originalAuthCode");
    t.type("654321");
    t.press("enter");
    t.type("0101");
    t.press("enter");
    expect(t.state()).toBe("amountEntry");
    expect(t.actor.getSnapshot().context).toMatchObject({
      type: "preauth-completion",
      original: { stan: "000009", authCode: "654321", date: "0101" },
    });
  });

  it("balance inquiry: straight to the card, shows the balance, prints nothing", async () => {
    const t = await atIdle();
    t.press("menu", "5");
    expect(t.state()).toBe("presentCard");
    expect(t.services.lastCall("waitForCard")).toEqual([{ type: "balance", amount: 0 }]);
    t.services.resolve("waitForCard", card);
    await flush();
    t.services.resolve("runTransaction", { ...approved, balance: 123456 });
    await flush();
    expect(t.state()).toBe("balanceShown");
    expect(terminalView(t.actor.getSnapshot()).lines[0]?.en).toBe("Balance: ¥1,234.56");
    t.press("enter");
    expect(t.state()).toBe("idle");
    expect(t.services.lastCall("printSlip")).toBeUndefined();
  });

  it("functions switched off say so", async () => {
    const off = { void: false, refund: false, preauth: false, balance: false, tips: false, qr: false };
    const t = await atIdle({ features: off, lastJournalId: undefined, journal: {} });
    for (const key of ["2", "3", "4", "5"] as const) {
      t.press("menu", key);
      expect(t.state()).toBe("featureDisabled");
      t.press("enter");
      expect(t.state()).toBe("idle");
    }
  });

  it("settlement: confirm, settle, show the result", async () => {
    const t = await atIdle();
    t.press("menu", "6", "3");
    expect(t.state()).toBe("settleConfirm");
    t.press("enter");
    expect(t.state()).toBe("settling");
    t.services.resolve("settle", { ok: true, result: "balanced", zh: "对账平", en: "Balanced" });
    await flush();
    expect(t.state()).toBe("settlementResult");
    expect(terminalView(t.actor.getSnapshot()).lines[0]?.zh).toBe("对账平");
    t.press("enter");
    expect(t.state()).toBe("idle");
  });

  it("reprints the last slip and a slip by STAN, and says when there is none", async () => {
    const t = await atIdle();
    t.press("menu", "6", "4");
    expect(t.state()).toBe("printing");
    expect(t.services.lastCall("printSlip")).toEqual([7, { reprint: true }]);
    t.services.resolve("printSlip", { ok: true });
    await flush();
    t.press("menu", "6", "5");
    t.type("1");
    t.press("enter");
    expect(t.state()).toBe("printing");
    expect(t.services.lastCall("printSlip")).toEqual([7, { reprint: true }]);
    t.services.resolve("printSlip", { ok: true });
    await flush();
    t.press("menu", "6", "5");
    t.type("77");
    t.press("enter");
    expect(t.state()).toBe("noTransaction");
    t.press("enter");
    expect(t.state()).toBe("managementMenu");
  });

  it("sign-out leaves the terminal not signed in; parameter download reports its result", async () => {
    const t = await atIdle();
    t.press("menu", "6", "6");
    expect(t.state()).toBe("downloading");
    t.services.resolve("downloadParameters", { ok: true, zh: "下载成功", en: "Downloaded" });
    await flush();
    expect(t.state()).toBe("managementNotice");
    t.press("enter", "2");
    expect(t.state()).toBe("signingOut");
    t.services.resolve("signOut", { ok: true, zh: "签退成功", en: "Signed out" });
    await flush();
    expect(t.state()).toBe("signInFailed");
    expect(t.actor.getSnapshot().context.signedIn).toBe(false);
    expect(terminalView(t.actor.getSnapshot()).lines[0]?.en).toBe("Signed out");
  });
});
