import { describe, expect, it } from "vitest";
import { SlipPrintError, SlipPrinter } from "../../../firmware/receipts/index.js";
import { layoutLines } from "../../../protocol/escpos/index.js";
import { printerRig, spooledFiles, until } from "../../drivers/printer/harness.js";
import { ManualClock } from "../../support/manual-clock.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { options32, saleRecord } from "./fixtures.js";

const tempDir = useTempDirs();

describe("SlipPrinter on the ESC/POS driver and the printer emulator", () => {
  it("paper runs out in the cardholder copy: merchant copy once, cardholder copy complete after the paper is loaded", async () => {
    const record = saleRecord();
    const saved = new Map<string, string>();
    const copies: number[] = [];
    // Lay out the copies once to know where the roll should run out.
    const { printer: probe } = await printerRig(tempDir(), new ManualClock());
    let merchant: string[] = [];
    let cardholder: string[] = [];
    const measure = new SlipPrinter(
      probe,
      {
        copiesPrinted: () => undefined,
        saveReceipt: (_id, copy, text) => {
          if (copy === "merchant") merchant = text.split("\n");
          else cardholder = text.split("\n");
        },
      },
      options32,
    );
    await measure.printTransaction(record);
    measure.dispose();
    await probe.close();

    const dir = tempDir();
    const { printer, emulator } = await printerRig(dir, new ManualClock(), {
      faults: { paperOutAfterLines: merchant.length + 8 },
    });
    const slips = new SlipPrinter(
      printer,
      {
        copiesPrinted: (_id, n) => copies.push(n),
        saveReceipt: (_id, copy, text) => saved.set(copy, text),
      },
      options32,
    );
    const error = await slips.printTransaction(record).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipPrintError);
    expect(error).toMatchObject({ reason: "paper-out", waiting: true, copy: "cardholder" });
    expect(copies).toEqual([1]);
    expect(spooledFiles(dir)).toHaveLength(1);
    expect(saved.get("cardholder")).toBe(cardholder.join("\n"));

    emulator.loadPaper();
    const outcome = await slips.printTransaction({ ...record, copiesPrinted: 1 });
    expect(outcome.copies).toBe(2);
    await until(() => copies.length === 2, "cardholder copy recorded");
    expect(copies).toEqual([1, 2]);
    const mark = layoutLines("重打印 REPRINT", "center", 1, 32);
    // The merchant copy once; the head of the cardholder copy where the roll ran out; then the whole
    // cardholder copy again under the driver's reprint mark.
    expect(emulator.lines.slice(0, merchant.length)).toEqual(merchant);
    expect(emulator.lines.slice(-(mark.length + cardholder.length))).toEqual([...mark, ...cardholder]);
    expect(emulator.lines.filter((l) => l.includes("MERCHANT COPY"))).toHaveLength(1);
    expect(emulator.lines.length - merchant.length - mark.length - cardholder.length).toBeLessThan(
      cardholder.length,
    );
    expect(spooledFiles(dir)).toEqual([]);
    await printer.close();
  });
});
