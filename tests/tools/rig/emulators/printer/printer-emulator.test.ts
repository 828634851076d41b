import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMemoryLinkPair } from "../../../../../drivers/link/memory-link.js";
import {
  autoStatusBack,
  decodeAsb,
  encodeReceipt,
  packMonochrome,
  type ReceiptDocument,
  type ReceiptElement,
  renderReceiptText,
  STATUS_READY,
  statusRequest,
} from "../../../../../protocol/escpos/index.js";
import {
  PrinterEmulator,
  type PrinterEmulatorOptions,
  sampleSaleSlip,
} from "../../../../../tools/rig/emulators/printer/index.js";

const tick = () => new Promise<void>((r) => setImmediate(r));
async function settle(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await tick();
}

function rig(options: PrinterEmulatorOptions = {}) {
  const { host, device } = createMemoryLinkPair("printer");
  const emulator = new PrinterEmulator(device, options);
  const replies: number[] = [];
  host.onData((c) => replies.push(...c));
  return { host, emulator, replies };
}

describe("printer emulator: document → bytes → emulator → text", () => {
  it("prints the sample 签购单 exactly as the document renders", async () => {
    const { host, emulator } = rig();
    const slip = sampleSaleSlip();
    await host.write(encodeReceipt(slip));
    await settle();
    expect(emulator.lines).toEqual(renderReceiptText(slip));
    expect(emulator.text()).toContain("商户存根 MERCHANT COPY");
    expect(emulator.text()).toContain("[QR: https://e-receipt.example.cn/r/898310058120001/000123/000456]");
    expect(emulator.lines.length).toBeGreaterThanOrEqual(30);
    expect(emulator.stats.cuts).toBe(1);
  });

  it("round trip holds for random documents in random chunkings", async () => {
    const cjk = fc.constantFrom(..."签购单商户存根金额消费撤销退货批次号凭证号参考号，。：".split(""));
    const ascii = fc.constantFrom(..." ABCXYZabc0123456789-:/*.{}()".split(""));
    const textArb = fc.array(fc.oneof(cjk, ascii), { maxLength: 40 }).map((cs) => cs.join(""));
    const element: fc.Arbitrary<ReceiptElement> = fc.oneof(
      fc.record({
        kind: fc.constant("text" as const),
        text: textArb,
        style: fc.record({
          align: fc.constantFrom("left" as const, "center" as const, "right" as const),
          bold: fc.boolean(),
          width: fc.integer({ min: 1, max: 3 }),
          height: fc.integer({ min: 1, max: 2 }),
        }),
      }),
      fc.record({ kind: fc.constant("feed" as const), lines: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant("qr" as const), content: textArb.filter((t) => t.length > 0) }),
      fc.record({
        kind: fc.constant("barcode" as const),
        type: fc.constant("CODE128" as const),
        data: fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, "x") || "x"),
      }),
      fc
        .record({ w: fc.integer({ min: 1, max: 40 }), h: fc.integer({ min: 1, max: 8 }) })
        .map(({ w, h }) => ({ kind: "image" as const, bitmap: packMonochrome(Array(w * h).fill(1), w, h) })),
      fc.record({ kind: fc.constant("cut" as const), partial: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(element, { maxLength: 12 }),
        fc.constantFrom(32, 48),
        fc.integer({ min: 1, max: 64 }),
        async (elements, columns, chunk) => {
          const doc: ReceiptDocument = { columns, elements };
          const { host, emulator } = rig({ columns });
          const bytes = encodeReceipt(doc);
          for (let i = 0; i < bytes.length; i += chunk) await host.write(bytes.subarray(i, i + chunk));
          await settle(2);
          expect(emulator.lines).toEqual(renderReceiptText(doc));
        },
      ),
      { seed: 5101, numRuns: 60 },
    );
  });

  it("writes the slip to a file as it prints", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pos-printer-"));
    try {
      const file = join(dir, "slip.txt");
      const { host } = rig({ outputFile: file });
      await host.write(encodeReceipt({ elements: [{ kind: "text", text: "签购单" }, { kind: "cut" }] }));
      await settle();
      expect(readFileSync(file, "utf8")).toBe("签购单\n- - - - - - - - - - - - - - - -\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a missing FS & shows up as mojibake (wrong code page check)", async () => {
    const { host, emulator } = rig();
    await host.write(Buffer.concat([Buffer.from([0x1b, 0x40]), Buffer.from("c7a9b9bab5a50a", "hex")]));
    await settle();
    expect(emulator.lines[0]).not.toBe("签购单");
  });
});

describe("printer emulator: status and faults as data", () => {
  const ask = async (host: { write(b: Buffer): Promise<void> }) => {
    for (const n of [1, 2, 3, 4] as const) await host.write(statusRequest(n));
    await settle();
  };

  it("answers DLE EOT 1..4 for a ready printer and for paper near-end", async () => {
    const ready = rig();
    await ask(ready.host);
    expect(ready.replies).toEqual([0x12, 0x12, 0x12, 0x12]);
    const low = rig({ faults: { paperNearEnd: true } });
    await ask(low.host);
    expect(low.replies).toEqual([0x12, 0x12, 0x12, 0x1e]);
  });

  it("paper out after N lines: the rest is dropped, status says paper end, ASB reports it", async () => {
    const { host, emulator, replies } = rig({ faults: { paperOutAfterLines: 3 } });
    await host.write(autoStatusBack(true));
    await settle();
    expect(decodeAsb(Buffer.from(replies.splice(0)))).toEqual(STATUS_READY);
    await host.write(encodeReceipt(sampleSaleSlip()));
    await settle();
    expect(emulator.lines).toHaveLength(3);
    expect(emulator.stats.dropped).toBeGreaterThan(20);
    expect(decodeAsb(Buffer.from(replies.splice(0))).paper).toBe("out");
    await ask(host);
    expect(replies).toEqual([0x1a, 0x32, 0x12, 0x7e]);
    emulator.loadPaper();
    await settle();
    expect(decodeAsb(Buffer.from(replies.splice(4)))).toEqual(STATUS_READY);
  });

  it("cover open and offline stop printing; status tells which", async () => {
    const cover = rig({ faults: { coverOpen: true } });
    await cover.host.write(encodeReceipt({ elements: [{ kind: "text", text: "x" }] }));
    await ask(cover.host);
    expect(cover.emulator.lines).toEqual([]);
    expect(cover.replies).toEqual([0x1a, 0x16, 0x12, 0x12]);
    const offline = rig({ faults: { offline: true } });
    await ask(offline.host);
    expect(offline.replies[0]).toBe(0x1a);
  });

  it("cutter error at the Nth cut: no cut line, error status until cleared", async () => {
    const { host, emulator, replies } = rig({ faults: { cutterErrorAtCut: 1 } });
    await host.write(encodeReceipt({ elements: [{ kind: "text", text: "x" }, { kind: "cut" }] }));
    await ask(host);
    expect(emulator.lines).toEqual(["x"]);
    expect(replies).toEqual([0x1a, 0x52, 0x1a, 0x12]);
    emulator.clearCutterError();
    replies.length = 0;
    await ask(host);
    expect(replies).toEqual([0x12, 0x12, 0x12, 0x12]);
  });

  it("no reply to DLE EOT when told so", async () => {
    const { host, emulator, replies } = rig({ faults: { noStatusReply: true } });
    await ask(host);
    expect(replies).toEqual([]);
    expect(emulator.stats.statusRequests).toBe(4);
  });

  it("a DLE EOT inside unfinished raster data is image data: no reply (reference §5.2)", async () => {
    const { host, replies } = rig();
    await host.write(Buffer.from([0x1d, 0x76, 0x30, 0x00, 0x01, 0x00, 0x08, 0x00]));
    await ask(host);
    expect(replies.length).toBeLessThan(4);
  });

  it("slow drain: chunks are handled in order, later", async () => {
    const { host, emulator, replies } = rig({ faults: { drainDelayMs: 5 } });
    await host.write(encodeReceipt({ elements: [{ kind: "text", text: "one" }] }));
    await host.write(statusRequest(1));
    await settle();
    expect(emulator.lines).toEqual([]);
    expect(replies).toEqual([]);
    await new Promise((r) => setTimeout(r, 40));
    expect(emulator.lines).toEqual(["one"]);
    expect(replies).toEqual([0x12]);
  });
});
