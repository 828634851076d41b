import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeviceError } from "../../../drivers/core/device-error.js";
import { openFileLink } from "../../../drivers/link/file-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { EscPosPrinter } from "../../../drivers/printer/escpos-printer.js";
import { printerLinkOpener } from "../../../drivers/printer/printer-transports.js";
import { loadEscposUsb, openUsbPrinterLink } from "../../../drivers/printer/usb-printer-link.js";
import { encodeReceipt, renderReceiptText } from "../../../protocol/escpos/index.js";
import { EmulatedBinding } from "../../../tools/rig/emulated-binding.js";
import { PrinterEmulator, sampleSaleSlip } from "../../../tools/rig/emulators/printer/index.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { spooledFiles, tick, until } from "./harness.js";

const tempDir = useTempDirs();
const slip = sampleSaleSlip();

describe("printer transports", () => {
  it("serial: the real openSerialLink through EmulatedBinding to the emulator", async () => {
    const binding = new EmulatedBinding();
    let emulator: PrinterEmulator | undefined;
    binding.attach("/rig/printer", () => {
      const { host, device } = createMemoryLinkPair("printer");
      emulator = new PrinterEmulator(device);
      return host;
    });
    const dir = tempDir();
    const printer = await EscPosPrinter.open({
      link: printerLinkOpener({ kind: "serial", path: "/rig/printer", baudRate: 115200, binding }),
      spoolDir: dir,
    });
    expect((await printer.status()).paper).toBe("ok");
    await printer.print({ document: slip });
    expect(emulator!.lines).toEqual(renderReceiptText(slip));
    expect(spooledFiles(dir)).toEqual([]);
    await printer.close();
  });

  it("usblp-style file link without replies: bytes land in the file, status is unknown", async () => {
    const dir = tempDir();
    const out = join(dir, "lp0");
    writeFileSync(out, "");
    const printer = await EscPosPrinter.open({
      link: () => openFileLink({ path: out }),
      spoolDir: join(dir, "spool"),
    });
    await expect(printer.status()).rejects.toThrow(/status unknown/);
    const result = await printer.print({ document: slip });
    expect(result.attempts).toBe(1);
    const written = readFileSync(out);
    expect(written).toEqual(encodeReceipt(slip));
    // What a printer would make of those bytes:
    const { host, device } = createMemoryLinkPair();
    const emulator = new PrinterEmulator(device);
    await host.write(written);
    await until(() => emulator.lines.length > 0);
    await tick();
    expect(emulator.lines).toEqual(renderReceiptText(slip));
    await printer.close();
  });

  it("usblp opener points at /dev/usb/lp0 by default and fails clearly without the device", async () => {
    await expect(printerLinkOpener({ kind: "usblp" })()).rejects.toThrow(
      /printer: cannot open \/dev\/usb\/lp0/,
    );
  });

  it("escpos-usb loads lazily on Node 20 (usb 1.9.2) and constructs; without a printer: 'Can not find printer' as DeviceError", async () => {
    const Usb = await loadEscposUsb();
    expect(typeof Usb).toBe("function");
    expect(Array.isArray(Usb.findPrinter())).toBe(true);
    expect(() => new Usb()).toThrow("Can not find printer");
    const failure = openUsbPrinterLink();
    await expect(failure).rejects.toThrow(DeviceError);
    await expect(failure).rejects.toThrow("printer: USB: Can not find printer");
    await expect(printerLinkOpener({ kind: "usb", vendorId: 0x0416, productId: 0x5011 })()).rejects.toThrow(
      "Can not find printer",
    );
  });
});
