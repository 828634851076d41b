import { describe, expect, it } from "vitest";
import { DeviceDisconnectedError, DeviceTimeoutError } from "../../../drivers/core/device-error.js";
import type { TransactionRecord } from "../../../firmware/journal/transaction-record.js";
import {
  buildTransactionSlip,
  type CopyName,
  ReceiptError,
  type ReceiptOptions,
  SlipPrintError,
  SlipPrinter,
} from "../../../firmware/receipts/index.js";
import { renderReceiptText } from "../../../protocol/escpos/index.js";
import { FakePrinter } from "./fake-printer.js";
import { options32, saleRecord } from "./fixtures.js";

const tick = () => new Promise<void>((r) => setImmediate(r));
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (done()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A printer, a journal stand-in and the log both write to (the order of hooks and paper). */
function rig(options: ReceiptOptions = options32) {
  const log: string[] = [];
  const printer = new FakePrinter(log);
  const journal = {
    copies: new Map<number, number>(),
    saved: [] as { id: number; copy: CopyName; text: string }[],
  };
  const hookErrors: unknown[] = [];
  const hooks = {
    copiesPrinted(id: number, copies: number) {
      log.push(`copiesPrinted ${id} ${copies}`);
      journal.copies.set(id, Math.max(journal.copies.get(id) ?? 0, copies));
    },
    saveReceipt(id: number, copy: CopyName, text: string) {
      log.push(`save ${id} ${copy}`);
      journal.saved.push({ id, copy, text });
      return `/var/pos/receipts/${id}-${copy}.txt`;
    },
    onHookError(error: unknown) {
      hookErrors.push(error);
    },
  };
  const slips = new SlipPrinter(printer, hooks, options);
  /** The record as the journal now has it. */
  const current = (record: TransactionRecord) => ({
    ...record,
    copiesPrinted: journal.copies.get(record.id) ?? 0,
  });
  return { log, printer, journal, slips, current, hookErrors };
}

async function rejection(promise: Promise<unknown>): Promise<SlipPrintError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SlipPrintError);
  return error as SlipPrintError;
}

describe("SlipPrinter: copies", () => {
  it("prints merchant then cardholder copy: save before, copiesPrinted after each", async () => {
    const { log, slips, journal, printer } = rig();
    const record = saleRecord();
    const outcome = await slips.printTransaction(record);
    expect(outcome).toEqual({
      copies: 2,
      printed: ["merchant", "cardholder"],
      paths: ["/var/pos/receipts/42-merchant.txt", "/var/pos/receipts/42-cardholder.txt"],
    });
    expect(log).toEqual([
      "save 42 merchant",
      "paper slip 42 000123-000456 copy 0 merchant",
      "copiesPrinted 42 1",
      "save 42 cardholder",
      "paper slip 42 000123-000456 copy 1 cardholder",
      "copiesPrinted 42 2",
    ]);
    const merchant = renderReceiptText(buildTransactionSlip(record, options32, { index: 0 }));
    expect(journal.saved[0]!.text).toBe(merchant.join("\n"));
    expect(printer.paper[0]!.lines).toEqual(merchant);
    expect(printer.paper[1]!.lines).toContain("   持卡人存根 CARDHOLDER COPY");
    expect(printer.pending()).toEqual([]);
  });

  it("prints as many copies as configured (1 or 3)", async () => {
    const one = rig({ ...options32, copies: 1 });
    expect((await one.slips.printTransaction(saleRecord())).printed).toEqual(["merchant"]);
    const three = rig({ ...options32, copies: 3 });
    expect((await three.slips.printTransaction(saleRecord())).printed).toEqual([
      "merchant",
      "cardholder",
      "bank",
    ]);
    expect(three.printer.paper[2]!.lines).toContain("       银行存根 BANK COPY");
  });

  it("starts from record.copiesPrinted and prints nothing for a complete slip", async () => {
    const { slips, log } = rig();
    expect((await slips.printTransaction(saleRecord({ copiesPrinted: 1 }))).printed).toEqual(["cardholder"]);
    expect(log).toEqual([
      "save 42 cardholder",
      "paper slip 42 000123-000456 copy 1 cardholder",
      "copiesPrinted 42 2",
    ]);
    const done = await slips.printTransaction(saleRecord({ id: 43, copiesPrinted: 2 }));
    expect(done).toEqual({ copies: 2, printed: [], paths: [] });
  });

  it("a journal id used again (journal cleared) is a new slip, not an old one", async () => {
    const { slips, printer } = rig();
    await slips.printTransaction(saleRecord());
    printer.leftover("slip 42 000122-000001 copy 1 cardholder");
    const again = await slips.printTransaction(saleRecord({ batch: "000124", stan: "000001" }));
    expect(again.printed).toEqual(["merchant", "cardholder"]);
    expect(printer.paper.map((p) => p.label).slice(-3)).toEqual([
      "slip 42 000122-000001 copy 1 cardholder",
      "slip 42 000124-000001 copy 0 merchant",
      "slip 42 000124-000001 copy 1 cardholder",
    ]);
  });

  it("asks between copies (tear off the merchant copy)", async () => {
    const { slips, log } = rig();
    await slips.printTransaction(saleRecord(), {
      beforeCopy: async (copy, index) => {
        log.push(`before ${copy} ${index}`);
      },
    });
    expect(log.indexOf("before cardholder 1")).toBe(log.indexOf("copiesPrinted 42 1") + 1);
    expect(log.filter((l) => l.startsWith("before"))).toHaveLength(1);
  });

  it("refuses bad options at construction", () => {
    expect(
      () =>
        new SlipPrinter(
          new FakePrinter(),
          { copiesPrinted() {}, saveReceipt() {} },
          { ...options32, copies: 0 as 1 },
        ),
    ).toThrow(ReceiptError);
  });
});

describe("SlipPrinter: faults never lose or duplicate a copy", () => {
  it("paper out during the cardholder copy: waiting error, then a second call resumes it (merchant copy not reprinted)", async () => {
    const { slips, printer, log, current, journal } = rig();
    const record = saleRecord();
    printer.faultWhen = { match: /cardholder/, reason: "paper-out" };
    const error = await rejection(slips.printTransaction(record));
    expect(error).toMatchObject({
      reason: "paper-out",
      waiting: true,
      copy: "cardholder",
      transactionId: 42,
    });
    expect(error.jobId).toBe(printer.pending()[0]!.id);
    expect(journal.copies.get(42)).toBe(1);
    expect(printer.pending().map((j) => j.label)).toEqual(["slip 42 000123-000456 copy 1 cardholder"]);

    // Still no paper: the second call sees the fault at once, spools nothing new, saves nothing new.
    const again = await rejection(slips.printTransaction(current(record)));
    expect(again).toMatchObject({ reason: "paper-out", waiting: true, copy: "cardholder" });
    expect(printer.pending()).toHaveLength(1);

    printer.clearFault();
    const resumed = slips.printTransaction(current(record));
    const outcome = await resumed;
    expect(outcome).toMatchObject({ copies: 2, printed: ["cardholder"], paths: [] });
    expect(printer.paper.map((p) => p.label)).toEqual([
      "slip 42 000123-000456 copy 0 merchant",
      "slip 42 000123-000456 copy 1 cardholder",
    ]);
    expect(log).toEqual([
      "save 42 merchant",
      "paper slip 42 000123-000456 copy 0 merchant",
      "copiesPrinted 42 1",
      "save 42 cardholder",
      "paper slip 42 000123-000456 copy 1 cardholder",
      "copiesPrinted 42 2",
    ]);
  });

  it("a copy that prints after the caller gave up is still recorded (from the printer's event)", async () => {
    const { slips, printer, journal, current, log } = rig();
    printer.faultWhen = { match: /cardholder/, reason: "cover-open" };
    expect(await rejection(slips.printTransaction(saleRecord()))).toMatchObject({
      reason: "cover-open",
      waiting: true,
    });
    printer.clearFault();
    await until(() => journal.copies.get(42) === 2, "background copy");
    expect(log.filter((l) => l.startsWith("copiesPrinted"))).toEqual([
      "copiesPrinted 42 1",
      "copiesPrinted 42 2",
    ]);
    expect(await slips.printTransaction(current(saleRecord()))).toMatchObject({ copies: 2, printed: [] });
    expect(printer.paper).toHaveLength(2);
  });

  it("a silent printer: timeout, the copy stays spooled and prints on resume", async () => {
    const { slips, printer, journal } = rig();
    printer.failNext = new DeviceTimeoutError("printer", "no status reply");
    const error = await rejection(slips.printTransaction(saleRecord()));
    expect(error).toMatchObject({ reason: "timeout", waiting: true, copy: "merchant" });
    expect(error.cause).toBeInstanceOf(DeviceTimeoutError);
    expect(journal.copies.get(42)).toBeUndefined();
    printer.resume();
    await until(() => journal.copies.get(42) === 1, "merchant copy after resume");
    const outcome = await slips.printTransaction(saleRecord({ copiesPrinted: 1 }));
    expect(outcome.printed).toEqual(["cardholder"]);
    expect(printer.paper.map((p) => p.label)).toEqual([
      "slip 42 000123-000456 copy 0 merchant",
      "slip 42 000123-000456 copy 1 cardholder",
    ]);
  });

  it("a printer that refuses the job: waiting false, the text is saved all the same", async () => {
    const { slips, printer, journal } = rig();
    printer.refuse = new DeviceDisconnectedError("printer", "printer closed");
    const error = await rejection(slips.printTransaction(saleRecord()));
    expect(error).toMatchObject({ reason: "disconnected", waiting: false, copy: "merchant" });
    expect(journal.saved.map((s) => s.copy)).toEqual(["merchant"]);
    printer.refuse = undefined;
    expect((await slips.printTransaction(saleRecord())).printed).toEqual(["merchant", "cardholder"]);
  });

  it("abort stops the wait only: the copy stays spooled and still counts when it prints", async () => {
    const { slips, printer, journal } = rig();
    printer.faultWhen = { match: /merchant/, reason: "paper-out" };
    const first = await rejection(slips.printTransaction(saleRecord()));
    expect(first.reason).toBe("paper-out");
    const controller = new AbortController();
    const waiting = slips.printTransaction(saleRecord(), { signal: controller.signal });
    controller.abort();
    const aborted = await rejection(waiting);
    expect(aborted.reason).toBe("cancelled");
    expect(aborted.waiting).toBe(true);
    printer.clearFault();
    await until(() => journal.copies.get(42) === 1, "merchant copy");
    expect(printer.paper).toHaveLength(1);
  });

  it("after a restart: a copy left in the spool is waited for, not spooled again", async () => {
    const log: string[] = [];
    const printer = new FakePrinter(log);
    printer.leftover("slip 42 000123-000456 copy 1 cardholder", [
      "cardholder copy from before the power cut",
    ]);
    const copies: number[] = [];
    const slips = new SlipPrinter(
      printer,
      { copiesPrinted: (_id, n) => copies.push(n), saveReceipt: () => log.push("save") },
      options32,
    );
    const outcome = await slips.printTransaction(saleRecord({ copiesPrinted: 1 }));
    expect(outcome).toMatchObject({ copies: 2, printed: ["cardholder"] });
    expect(printer.paper.map((p) => p.lines[0])).toEqual(["cardholder copy from before the power cut"]);
    expect(log).toEqual(["paper slip 42 000123-000456 copy 1 cardholder"]);
    expect(copies).toEqual([2]);
  });

  it("a leftover copy that prints at boot updates the journal without any call", async () => {
    const printer = new FakePrinter();
    printer.leftover("slip 7 000123-000456 copy 0 merchant");
    const copies: [number, number][] = [];
    new SlipPrinter(
      printer,
      { copiesPrinted: (id, n) => copies.push([id, n]), saveReceipt: () => undefined },
      options32,
    );
    printer.resume();
    await until(() => copies.length > 0, "boot print");
    expect(copies).toEqual([[7, 1]]);
  });

  it("a journal hook failing in the background is reported, not thrown into the printer", async () => {
    const printer = new FakePrinter();
    printer.leftover("slip 7 000123-000456 copy 0 merchant");
    const errors: unknown[] = [];
    new SlipPrinter(
      printer,
      {
        copiesPrinted: () => {
          throw new Error("disk full");
        },
        saveReceipt: () => undefined,
        onHookError: (e) => errors.push(e),
      },
      options32,
    );
    printer.resume();
    await until(() => errors.length > 0, "hook error");
    expect(String(errors[0])).toContain("disk full");
  });
});

describe("SlipPrinter: reprint and reports", () => {
  it("reprint prints every copy marked REPRINT and changes nothing in the journal", async () => {
    const { slips, printer, log } = rig();
    const outcome = await slips.printTransaction(saleRecord({ copiesPrinted: 2 }), { reprint: true });
    expect(outcome).toEqual({ copies: 2, printed: ["merchant", "cardholder"], paths: [] });
    expect(printer.paper.every((p) => p.lines.includes("         重打印 REPRINT"))).toBe(true);
    expect(log).toEqual(["paper reprint 42 copy 0 merchant", "paper reprint 42 copy 1 cardholder"]);
  });

  it("reprint of one copy", async () => {
    const { slips, printer } = rig();
    const outcome = await slips.printTransaction(saleRecord({ copiesPrinted: 2 }), {
      reprint: true,
      copy: "cardholder",
    });
    expect(outcome.printed).toEqual(["cardholder"]);
    expect(printer.paper).toHaveLength(1);
  });

  it("prints the settlement slip and the detail report, returning their text", async () => {
    const { slips, printer } = rig();
    const zero = { debitAmount: 0, debitCount: 0, creditAmount: 0, creditCount: 0 };
    const settlement = await slips.printSettlement({
      terminalId: "10000123",
      merchantId: "898310058120001",
      batch: "000123",
      operator: "01",
      settledAt: new Date("2024-06-15T10:00:00Z"),
      result: "balanced",
      terminalTotals: { domestic: zero, foreign: zero },
      byType: [],
    });
    expect(settlement.text).toContain("对账平 BALANCED");
    const detail = await slips.printDetail([saleRecord()]);
    expect(detail.text).toContain("000456 SALE *1234    128.50 成功");
    expect(printer.paper.map((p) => p.label)).toEqual(["settlement 000123", "detail report"]);
  });

  it("a report on a printer out of paper: waiting error", async () => {
    const { slips, printer } = rig();
    printer.faultWhen = { match: /detail/, reason: "paper-out" };
    const error = await rejection(slips.printDetail([]));
    expect(error).toMatchObject({ reason: "paper-out", waiting: true });
    expect(error.transactionId).toBeUndefined();
  });
});
