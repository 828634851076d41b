import { describe, expect, it } from "vitest";
import { DeviceCancelledError, DeviceTimeoutError } from "../../../drivers/core/device-error.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { EscPosPrinter } from "../../../drivers/printer/escpos-printer.js";
import {
  autoStatusBack,
  layoutLines,
  renderReceiptText,
  STATUS_READY,
} from "../../../protocol/escpos/index.js";
import { PrinterEmulator, sampleSaleSlip } from "../../../tools/rig/emulators/printer/index.js";
import { ManualClock } from "../../support/manual-clock.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { printerRig, spooledFiles, tick, until } from "./harness.js";

const tempDir = useTempDirs();
const slip = sampleSaleSlip();
const expected = renderReceiptText(slip);
const mark = layoutLines("重打印 REPRINT", "center", 1, 32);

describe("EscPosPrinter ↔ emulator", () => {
  it("prints a slip, confirms it by status, empties the spool", async () => {
    const dir = tempDir();
    const { printer, emulator, events } = await printerRig(dir, new ManualClock());
    const result = await printer.print({ document: slip, label: "sale 000456 merchant copy" });
    expect(result).toMatchObject({ reprinted: false, attempts: 1 });
    expect(emulator.lines).toEqual(expected);
    expect(spooledFiles(dir)).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(["queued", "printing", "printed"]);
    expect(await printer.status()).toEqual(STATUS_READY);
  });

  it("paper out mid-slip, paper back: the slip is printed complete exactly once more, marked, spool empty", async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const { printer, emulator, events } = await printerRig(dir, clock, {
      faults: { paperOutAfterLines: 10 },
    });
    const done = printer.print({ document: slip });
    await until(() => events.some((e) => e.kind === "blocked"), "paper-out report");
    expect(events.find((e) => e.kind === "blocked")).toMatchObject({ reason: "paper-out" });
    expect(printer.pending()).toEqual([expect.objectContaining({ attempts: 1 })]);
    expect(spooledFiles(dir)).toHaveLength(1);
    expect(emulator.lines).toEqual(expected.slice(0, 10));
    emulator.loadPaper(); // the ASB block wakes the driver; no clock needed
    const result = await done;
    expect(result).toMatchObject({ reprinted: true, attempts: 2 });
    expect(emulator.lines).toEqual([...expected.slice(0, 10), ...mark, ...expected]);
    expect(spooledFiles(dir)).toEqual([]);
    expect(events.filter((e) => e.kind === "blocked")).toHaveLength(1);
    expect(events.map((e) => e.kind)).toContain("resumed");
  });

  it("without ASB the poll finds the paper back", async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const { printer, emulator, events, host } = await printerRig(dir, clock, {
      faults: { paperOutAfterLines: 4 },
    });
    const done = printer.print({ document: slip });
    await until(() => events.some((e) => e.kind === "blocked") && clock.pendingTimers > 0, "blocked poll");
    // ASB off behind the driver's back (a printer without GS a): only the poll can notice the paper.
    await host.write(autoStatusBack(false));
    await tick();
    emulator.loadPaper();
    await tick();
    expect(events.filter((e) => e.kind === "printed")).toEqual([]);
    // Time passes in small steps (replies arrive within a tick, far inside the 1000 ms status timeout).
    await until(() => {
      clock.advance(50);
      return events.some((e) => e.kind === "printed");
    }, "poll to find the paper");
    expect((await done).reprinted).toBe(true);
    expect(emulator.lines.slice(4)).toEqual([...mark, ...expected]);
  });

  it("power cut mid-slip: a new driver on the same spool prints the job again, marked", async () => {
    const dir = tempDir();
    const first = await printerRig(dir, new ManualClock(), { faults: { paperOutAfterLines: 7 } });
    void first.printer.print({ document: slip }).catch(() => undefined);
    await until(() => first.events.some((e) => e.kind === "blocked"), "paper out");
    // Power cut: the driver object is simply gone; its link dies with it.
    await first.host.close();
    expect(spooledFiles(dir)).toHaveLength(1);

    const second = await printerRig(dir, new ManualClock());
    await until(() => second.events.some((e) => e.kind === "printed"), "reprint after restart");
    expect(second.emulator.lines).toEqual([...mark, ...expected]);
    expect(spooledFiles(dir)).toEqual([]);
  });

  it("a job spooled but never sent prints once after restart, unmarked", async () => {
    const dir = tempDir();
    const first = await printerRig(dir, new ManualClock(), { faults: { coverOpen: true } });
    void first.printer.print({ document: slip }).catch(() => undefined);
    await until(() => first.events.some((e) => e.kind === "blocked"), "cover open");
    await first.host.close();
    const second = await printerRig(dir, new ManualClock());
    await until(() => second.events.some((e) => e.kind === "printed"), "print after restart");
    expect(second.emulator.lines).toEqual(expected);
    expect(spooledFiles(dir)).toEqual([]);
  });

  it("cover open: blocked until closed, then printed once", async () => {
    const dir = tempDir();
    const { printer, emulator, events } = await printerRig(dir, new ManualClock(), {
      faults: { coverOpen: true },
    });
    const done = printer.print({ document: slip });
    await until(() => events.some((e) => e.kind === "blocked"), "cover-open report");
    expect(events.find((e) => e.kind === "blocked")).toMatchObject({ reason: "cover-open" });
    expect(emulator.lines).toEqual([]);
    emulator.closeCover();
    expect(await done).toMatchObject({ reprinted: false });
    expect(emulator.lines).toEqual(expected);
  });

  it("cover opened mid-slip is handled like paper out", async () => {
    const dir = tempDir();
    const { printer, emulator, events } = await printerRig(dir, new ManualClock(), {
      faults: { coverOpenAfterLines: 12 },
    });
    const done = printer.print({ document: slip });
    await until(() => events.some((e) => e.kind === "blocked"), "cover-open report");
    expect(events.find((e) => e.kind === "blocked")).toMatchObject({ reason: "cover-open" });
    emulator.closeCover();
    await done;
    expect(emulator.lines).toEqual([...expected.slice(0, 12), ...mark, ...expected]);
  });

  it("cutter error: the slip counts as printed (no duplicate), the next job waits for the cutter", async () => {
    const dir = tempDir();
    const { printer, emulator, events } = await printerRig(dir, new ManualClock(), {
      faults: { cutterErrorAtCut: 1 },
    });
    expect(await printer.print({ document: slip })).toMatchObject({ reprinted: false });
    expect(events.map((e) => e.kind)).toContain("cutter-error");
    const next = printer.print({ document: slip });
    await until(() => events.some((e) => e.kind === "blocked"), "cutter blocked");
    expect(events.find((e) => e.kind === "blocked")).toMatchObject({ reason: "cutter-error" });
    emulator.clearCutterError();
    await next;
    expect(emulator.stats.cuts).toBe(2);
    expect(spooledFiles(dir)).toEqual([]);
  });

  it("offline and paper near-end are reported", async () => {
    const dir = tempDir();
    const { printer, emulator, events } = await printerRig(dir, new ManualClock(), {
      faults: { offline: true, paperNearEnd: true },
    });
    const done = printer.print({ document: slip });
    await until(() => events.some((e) => e.kind === "blocked"), "offline");
    expect(events).toContainEqual(expect.objectContaining({ kind: "blocked", reason: "offline" }));
    expect(events).toContainEqual({ kind: "paper-near-end" });
    emulator.setOnline(true);
    await done;
    expect(emulator.lines).toEqual(expected);
  });

  it("no status reply: status() and print() fail with DeviceTimeoutError, the job stays spooled, resume() prints it", async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const { printer, emulator, events } = await printerRig(dir, clock, { faults: { noStatusReply: true } });
    const status = printer.status();
    await until(() => clock.pendingTimers > 0, "status timer");
    clock.advance(1000);
    await expect(status).rejects.toThrow(DeviceTimeoutError);
    await expect(status).rejects.toThrow(/no DLE EOT 1 reply within 1000 ms/);

    const job = printer.print({ document: slip });
    await until(() => clock.pendingTimers > 0, "job status timer");
    clock.advance(1000);
    await expect(job).rejects.toThrow(DeviceTimeoutError);
    expect(events.map((e) => e.kind)).toContain("stopped");
    expect(spooledFiles(dir)).toHaveLength(1);

    emulator.faults = {};
    printer.resume();
    await until(() => events.some((e) => e.kind === "printed"), "printed after resume");
    expect(spooledFiles(dir)).toEqual([]);
  });

  it("aborting the wait leaves the job spooled and printing", async () => {
    const dir = tempDir();
    const { printer, emulator, events } = await printerRig(dir, new ManualClock(), {
      faults: { coverOpen: true },
    });
    const abort = new AbortController();
    const job = printer.print({ document: slip }, abort.signal);
    await until(() => events.some((e) => e.kind === "blocked"), "blocked");
    abort.abort();
    await expect(job).rejects.toThrow(DeviceCancelledError);
    emulator.closeCover();
    await until(() => events.some((e) => e.kind === "printed"), "printed");
    expect(emulator.lines).toEqual(expected);
  });

  it("jobs print in order; a bad document is refused before it is spooled", async () => {
    const dir = tempDir();
    const { printer, emulator } = await printerRig(dir, new ManualClock());
    const a = printer.print({ document: { elements: [{ kind: "text", text: "first" }] } });
    const b = printer.print({ bytes: Buffer.from("second\n") });
    await expect(
      printer.print({ document: { elements: [{ kind: "text", text: "\x1b@" }] } }),
    ).rejects.toThrow(/elements\[0\]\.text/);
    await Promise.all([a, b]);
    expect(emulator.lines).toEqual(["first", "second"]);
    expect(spooledFiles(dir)).toEqual([]);
  });

  it("slow drain: the confirming status waits behind the slip's bytes", async () => {
    const dir = tempDir();
    const { host, device } = createMemoryLinkPair("printer");
    const emulator = new PrinterEmulator(device, { faults: { drainDelayMs: 2 } });
    const printer = await EscPosPrinter.open({
      link: async () => host,
      spoolDir: dir,
      statusTimeoutMs: 2000,
    });
    await printer.print({ document: slip });
    expect(emulator.lines).toEqual(expected);
    await printer.close();
  });
});
