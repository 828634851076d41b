import { createMemoryLinkPair } from "../drivers/link/memory-link.js";
import { encodeReceipt, type ReceiptDocument } from "../protocol/escpos/index.js";
import { PrinterEmulator, sampleSaleSlip } from "../tools/rig/emulators/printer/index.js";
import { bytesPerOp, getGc, isMain, opsPerSec, resultTable } from "./measure.js";
import type { BenchResult } from "./result.js";

/**
 * The receipt printer's budget for one typical Chinese sale slip (merchant copy, ~30 lines, QR, cut):
 * bytes on the wire, time on paper, time on a 115200 baud serial line, and our encoding cost.
 *
 * Assumptions (a common 58 mm thermal mechanism, e.g. the class used in Chinese POS terminals):
 * - paper speed 80 mm/s at 203 dpi = 8 dots/mm, so 640 dot rows per second;
 * - one text line = 24-dot font A + 6-dot gap = 30 dot rows (3.75 mm; ESC 2 default ≈ 1/6 inch on
 *   such heads), double height = 2 × 24 + 6; so ~21 normal lines per second;
 * - QR: byte mode, level M, module size from the document, no quiet zone printed; head-to-cutter feed
 *   ~12 mm before the cut.
 * - serial 8N1: 10 bits per byte.
 */
const DOTS_PER_MM = 8;
const PAPER_MM_PER_S = 80;
const LINE_DOTS = 30;
const FONT_DOTS = 24;
const CUT_FEED_DOTS = 12 * DOTS_PER_MM;
const BAUD = 115200;
/** Byte-mode capacity at level M, versions 1..10. */
const QR_CAPACITY_M = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213];

function qrDots(content: string, size: number): number {
  const bytes = Buffer.byteLength(content, "utf8");
  const version = QR_CAPACITY_M.findIndex((capacity) => capacity >= bytes) + 1 || 11;
  return (17 + 4 * version) * size;
}

/** Dot rows a document takes on paper, per the assumptions above. */
export function slipDots(document: ReceiptDocument): number {
  let dots = 0;
  for (const element of document.elements) {
    switch (element.kind) {
      case "text":
        dots += (element.style?.height ?? 1) * FONT_DOTS + (LINE_DOTS - FONT_DOTS);
        break;
      case "feed":
        dots += element.lines * LINE_DOTS;
        break;
      case "qr":
        dots += qrDots(element.content, element.size ?? 6);
        break;
      case "barcode":
        dots += (element.height ?? 80) + (element.hri === "none" ? 0 : LINE_DOTS);
        break;
      case "image":
        dots += element.bitmap.height;
        break;
      case "cut":
        dots += CUT_FEED_DOTS + (element.feed ?? 0);
        break;
    }
  }
  return dots;
}

async function renderOnce(bytes: Buffer): Promise<number> {
  const { host, device } = createMemoryLinkPair("bench");
  const emulator = new PrinterEmulator(device);
  await host.write(bytes);
  await new Promise((r) => setImmediate(r));
  return emulator.lines.length;
}

export async function benchPrinter(ms = 1_000): Promise<BenchResult[]> {
  const slip = sampleSaleSlip();
  const bytes = encodeReceipt(slip);
  const lines = await renderOnce(bytes);
  const dots = slipDots(slip);
  const printSeconds = dots / (PAPER_MM_PER_S * DOTS_PER_MM);
  const wireSeconds = (bytes.length * 10) / BAUD;
  const gc = getGc();
  const encode = () => encodeReceipt(slip);
  const encodes = opsPerSec(encode, ms);
  return [
    {
      name: "encode Chinese sale slip (document → ESC/POS)",
      opsPerSec: encodes,
      bytesPerOp: bytesPerOp(encode, gc),
      note: `${(1e6 / encodes).toFixed(0)} µs per receipt; ${bytes.length} bytes, ${lines} printed lines incl. QR and cut`,
    },
    {
      name: "print at 80 mm/s, 203 dpi (printed lines/s)",
      opsPerSec: lines / printSeconds,
      note: `${dots} dot rows = ${(dots / DOTS_PER_MM).toFixed(0)} mm → ${printSeconds.toFixed(2)} s per slip (30-dot lines, ~21 lines/s)`,
    },
    {
      name: "transfer at 115200 baud 8N1 (slips/s)",
      opsPerSec: 1 / wireSeconds,
      note: `${bytes.length} bytes → ${(wireSeconds * 1000).toFixed(0)} ms; the wire is ${(printSeconds / wireSeconds).toFixed(0)}x faster than the paper`,
    },
  ];
}

if (isMain(import.meta.url)) {
  process.stdout.write(`${resultTable(await benchPrinter())}\n`);
}
