import { readdirSync } from "node:fs";
import type { Clock } from "../../../drivers/core/clock.js";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { EscPosPrinter, type EscPosPrinterOptions } from "../../../drivers/printer/escpos-printer.js";
import type { PrinterEvent } from "../../../drivers/printer/printer-driver.js";
import { PrinterEmulator, type PrinterEmulatorOptions } from "../../../tools/rig/emulators/printer/index.js";

export const tick = () => new Promise<void>((r) => setImmediate(r));

/** Lets async delivery run until `done` holds (bounded: a stuck driver fails the test, not hangs it). */
export async function until(done: () => boolean, what = "condition"): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (done()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function spooledFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith(".job"));
}

export interface PrinterRig {
  printer: EscPosPrinter;
  emulator: PrinterEmulator;
  events: PrinterEvent[];
  host: ByteLink;
}

export async function printerRig(
  spoolDir: string,
  clock: Clock,
  emulatorOptions: PrinterEmulatorOptions = {},
  driverOptions: Partial<EscPosPrinterOptions> = {},
): Promise<PrinterRig> {
  const { host, device } = createMemoryLinkPair("printer");
  const emulator = new PrinterEmulator(device, emulatorOptions);
  const printer = await EscPosPrinter.open({ link: async () => host, spoolDir, clock, ...driverOptions });
  const events: PrinterEvent[] = [];
  printer.onEvent((e) => events.push(e));
  return { printer, emulator, events, host };
}
