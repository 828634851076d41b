import fc from "fast-check";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import {
  ENTRY_MODES,
  TRANSACTION_STATUSES,
  TRANSACTION_TYPES,
  type TransactionRecord,
} from "../../../firmware/journal/transaction-record.js";
import {
  buildTransactionSlip,
  displayWidth,
  labelValue,
  ReceiptError,
  type ReceiptOptions,
} from "../../../firmware/receipts/index.js";
import type { ReceiptDocument } from "../../../protocol/escpos/document.js";
import { encodeReceipt, renderReceiptText } from "../../../protocol/escpos/index.js";
import { maskPan } from "../../../protocol/pan-mask.js";
import { options32, options48, saleRecord } from "./fixtures.js";

const render = (doc: ReceiptDocument) => renderReceiptText(doc);
const slip = (record: TransactionRecord, options: ReceiptOptions = options32, index = 0, reprint = false) =>
  buildTransactionSlip(record, options, { index, reprint });
const texts = (doc: ReceiptDocument) => doc.elements.flatMap((e) => (e.kind === "text" ? [e] : []));

describe("sale slip (58 mm, merchant copy)", () => {
  const doc = slip(saleRecord());
  const lines = render(doc);

  it("is titled POS签购单 with the copy name, in double size", () => {
    expect(texts(doc)[0]).toEqual({
      kind: "text",
      text: "POS签购单",
      style: { align: "center", bold: true, width: 2, height: 2 },
    });
    expect(lines).toContain("     商户存根 MERCHANT COPY");
    expect(lines).not.toContain("重打印 REPRINT");
  });

  it("carries merchant, terminal and operator", () => {
    expect(lines).toContain("上海浦东示例便利店");
    expect(lines).toContain("PUDONG SAMPLE STORE");
    expect(lines.join("\n")).toContain(labelValue("商户编号 MERCHANT NO.", "898310058120001", 32).join("\n"));
    expect(lines).toContain(labelValue("终端编号 TERMINAL NO.", "10000123", 32)[0]);
    expect(lines).toContain(labelValue("操作员号 OPERATOR", "01", 32)[0]);
    expect(lines).toContain(labelValue("发卡行 ISSUER", "01030000", 32)[0]);
    expect(lines).toContain(labelValue("收单行 ACQUIRER", "48480000", 32)[0]);
  });

  it("prints the masked card number with the entry letter, the expiry masked", () => {
    expect(lines).toContain("622848******1234 /I");
    expect(lines).toContain("有效期 EXP DATE            **/**");
    expect(lines.join("\n")).not.toContain("2812");
  });

  it("prints type, batch, voucher, auth, reference and the host's date/time", () => {
    expect(lines).toContain("消费/SALE");
    expect(lines).toContain("批次号 BATCH NO.          000123");
    expect(lines).toContain("凭证号 VOUCHER NO.        000456");
    expect(lines).toContain("授权码 AUTH NO.           A1B2C3");
    expect(lines).toContain("参考号 REF NO.      240615123456");
    expect(lines).toContain("             2024/06/15 12:34:56");
  });

  it("prints the amount big and bold, no tip line without a tip", () => {
    const amount = texts(doc).find((e) => e.text.startsWith("RMB"));
    expect(amount).toEqual({
      kind: "text",
      text: "RMB 128.50",
      style: { bold: true, width: 2, height: 2, align: "left" },
    });
    expect(lines.some((l) => l.startsWith("小费"))).toBe(false);
  });

  it("has the signature area and the confirmation on the merchant copy", () => {
    const at = lines.indexOf("持卡人签名 CARDHOLDER SIGNATURE:");
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 4)).toEqual(["", "", ""]);
    expect(lines).toContain("本人确认以上交易，");
    expect(lines).toContain("同意将其记入本卡账户");
    expect(lines.some((l) => l.includes("I ACKNOWLEDGE"))).toBe(true);
    expect(lines.some((l) => l.includes("免签"))).toBe(false);
  });

  it("ends with a feed and a cut", () => {
    expect(doc.elements.slice(-2)).toEqual([
      { kind: "feed", lines: 3 },
      { kind: "cut", partial: true },
    ]);
    expect(doc.columns).toBe(32);
  });

  it("encodes through encodeReceipt as GB18030 Chinese", () => {
    const bytes = encodeReceipt(doc);
    expect(bytes.includes(iconv.encode("商户名称", "gb18030"))).toBe(true);
    expect(bytes.includes(iconv.encode("622848******1234 /I", "gb18030"))).toBe(true);
    expect(bytes.includes(Buffer.from([0x1c, 0x26]))).toBe(true); // FS & Chinese mode on
    expect(iconv.decode(bytes, "gb18030")).toContain("上海浦东示例便利店");
  });
});

describe("other copies and variants", () => {
  it("cardholder copy: no signature area", () => {
    const lines = render(slip(saleRecord(), options32, 1));
    expect(lines).toContain("   持卡人存根 CARDHOLDER COPY");
    expect(lines).not.toContain("持卡人签名 CARDHOLDER SIGNATURE:");
  });

  it("bank copy is index 2; any other index is refused", () => {
    expect(render(slip(saleRecord(), options32, 2))).toContain("       银行存根 BANK COPY");
    expect(() => slip(saleRecord(), options32, 3)).toThrow(ReceiptError);
    expect(() => slip(saleRecord(), options32, 0.5)).toThrow(ReceiptError);
  });

  it("no signature required: the 免签 line on every copy", () => {
    for (const index of [0, 1]) {
      const lines = render(slip(saleRecord({ signatureRequired: false }), options32, index));
      expect(lines).toContain("免签 NO SIGNATURE REQUIRED");
      expect(lines).not.toContain("持卡人签名 CARDHOLDER SIGNATURE:");
    }
  });

  it("reprint: 重打印 REPRINT under the copy name", () => {
    const lines = render(slip(saleRecord(), options32, 0, true));
    expect(lines[lines.indexOf("     商户存根 MERCHANT COPY") + 1]).toBe("         重打印 REPRINT");
  });

  it("void: negative amount and the original voucher", () => {
    const record = saleRecord({
      type: "void",
      stan: "000460",
      original: { stan: "000456", batch: "000123", rrn: "240615123456", authCode: "A1B2C3", date: "0615" },
    });
    const lines = render(slip(record, options48));
    expect(lines).toContain("消费撤销/VOID");
    expect(lines).toContain("RMB -128.50");
    expect(lines).toContain(labelValue("原凭证号 ORIG VOUCHER", "000456", 48)[0]);
    expect(lines).toContain(labelValue("原参考号 ORIG REF NO.", "240615123456", 48)[0]);
    expect(lines).toContain(labelValue("原授权码 ORIG AUTH NO.", "A1B2C3", 48)[0]);
    expect(lines).toContain(labelValue("原交易日期 ORIG DATE", "0615", 48)[0]);
  });

  it("refund: negative amount, original reference; a sale shows no original", () => {
    const refund = saleRecord({
      type: "refund",
      amount: 5000,
      original: { stan: "000300", batch: "000122" },
    });
    const lines = render(slip(refund));
    expect(lines).toContain("退货/REFUND");
    expect(lines).toContain("RMB -50.00");
    expect(lines).toContain(labelValue("原凭证号 ORIG VOUCHER", "000300", 32)[0]);
    const sale = render(slip(saleRecord({ original: { stan: "000300", batch: "000122" } })));
    expect(sale.some((l) => l.startsWith("原凭证号"))).toBe(false);
  });

  it("every transaction type has its Chinese and English name", () => {
    const names: Record<string, string> = {
      sale: "消费/SALE",
      void: "消费撤销/VOID",
      refund: "退货/REFUND",
      preauth: "预授权/AUTH",
      "preauth-void": "预授权撤销/AUTH VOID",
      "preauth-completion": "预授权完成(请求)/AUTH COMPLETE",
      "preauth-completion-advice": "预授权完成(通知)/AUTH SETTLE",
      "preauth-completion-void": "预授权完成撤销/COMPLETE VOID",
      balance: "余额查询/BALANCE",
    };
    for (const type of TRANSACTION_TYPES) {
      expect(render(slip(saleRecord({ type }), options48))).toContain(names[type]);
    }
  });

  it("a balance inquiry prints no amount", () => {
    const lines = render(slip(saleRecord({ type: "balance", amount: 0 })));
    expect(lines.some((l) => l.startsWith("金额") || l.startsWith("RMB"))).toBe(false);
  });

  it("entry mode letters: S I C Q M F", () => {
    const letters = { swipe: "S", insert: "I", tap: "C", qr: "Q", manual: "M", fallback: "F" } as const;
    for (const mode of ENTRY_MODES) {
      expect(render(slip(saleRecord({ entryMode: mode })))).toContain(`622848******1234 /${letters[mode]}`);
    }
  });

  it("a QR payment with no card number shows the entry mode and the order number", () => {
    const lines = render(
      slip(
        saleRecord({
          entryMode: "qr",
          maskedPan: undefined,
          panLast4: undefined,
          expiry: undefined,
          orderId: "QR20240615001",
        }),
      ),
    );
    expect(lines).toContain(labelValue("支付方式 ENTRY MODE", "Q", 32)[0]);
    expect(lines.join("\n")).toContain("QR20240615001");
    expect(lines.some((l) => l.startsWith("卡号"))).toBe(false);
  });

  it("tip: its own line, included in the amount", () => {
    const lines = render(slip(saleRecord({ amount: 13350, tip: 500 })));
    expect(lines).toContain("RMB 133.50");
    expect(lines).toContain("小费 TIP                RMB 5.00");
  });

  it("EMV block: AID, label, TC (contact) or ARQC (contactless), TVR, TSI, ATC", () => {
    const emv = {
      aid: "A000000333010101",
      label: "CUP DEBIT",
      cryptogram: "3F6A1C2B9D8E7F01",
      tvr: "0000000000",
      tsi: "E800",
      atc: "0012",
    };
    const lines = render(slip(saleRecord({ emv })));
    expect(lines).toContain("备注 REFERENCE:");
    expect(lines).toContain("AID             A000000333010101");
    expect(lines).toContain("APP LABEL              CUP DEBIT");
    expect(lines).toContain("TC              3F6A1C2B9D8E7F01");
    expect(lines).toContain("TVR                   0000000000");
    expect(lines).toContain("TSI                         E800");
    expect(lines).toContain("ATC                         0012");
    const tap = render(slip(saleRecord({ emv, entryMode: "tap" })));
    expect(tap).toContain("ARQC            3F6A1C2B9D8E7F01");
    expect(render(slip(saleRecord())).some((l) => l.startsWith("AID"))).toBe(false);
  });

  it("e-receipt QR, header and footer lines", () => {
    const doc = slip(saleRecord(), {
      ...options32,
      headerLines: ["欢迎光临"],
      footerLines: ["谢谢惠顾 THANK YOU"],
      eReceipt: { urlTemplate: "https://r.example/{terminalId}/{batch}{stan}" },
    });
    expect(doc.elements).toContainEqual({
      kind: "qr",
      content: "https://r.example/10000123/000123000456",
      align: "center",
      size: 5,
    });
    const lines = render(doc);
    expect(lines).toContain("            欢迎光临");
    expect(lines).toContain("       谢谢惠顾 THANK YOU");
    expect(lines).toContain("  扫码获取电子签购单 E-RECEIPT");
  });

  it("Chinese only when showEnglish is false", () => {
    const lines = render(slip(saleRecord(), { ...options32, showEnglish: false }));
    expect(lines).toContain("商户编号         898310058120001");
    expect(lines).toContain("消费");
    expect(lines.join("\n")).not.toMatch(/MERCHANT|VOUCHER|SIGNATURE|ACKNOWLEDGE/);
    expect(lines).not.toContain("PUDONG SAMPLE STORE");
  });

  it("control characters from the host or config print as '?', never as printer commands", () => {
    const doc = slip(saleRecord({ authCode: "A1\u001bB" }), { ...options32, merchantName: "店\u001d名" });
    expect(() => encodeReceipt(doc)).not.toThrow();
    expect(render(doc)).toContain("店?名");
    expect(render(doc)).toContain("授权码 AUTH NO.             A1?B");
  });

  it("acquirer name from the options beside the code", () => {
    expect(render(slip(saleRecord(), { ...options48, acquirerName: "银联商务" }))).toContain(
      labelValue("收单行 ACQUIRER", "银联商务 48480000", 48)[0],
    );
  });
});

// ---- properties ----------------------------------------------------------------------------------

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const hex = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(..."0123456789ABCDEF"), minLength: min, maxLength: max });
const anyText = (max: number) =>
  fc.string({
    unit: fc.constantFrom("a", "Z", "9", " ", "-", "商", "户", "店", "，", "\u001b"),
    maxLength: max,
  });
const panArb = digits(12, 19);

const recordArb = fc.record({
  pan: panArb,
  panForm: fc.constantFrom("masked", "clear"),
  type: fc.constantFrom(...TRANSACTION_TYPES),
  entryMode: fc.constantFrom(...ENTRY_MODES),
  status: fc.constantFrom(...TRANSACTION_STATUSES),
  amount: fc.integer({ min: 0, max: 10_000_000_000_000 }),
  tip: fc.integer({ min: 0, max: 100_000 }),
  stan: digits(6, 6),
  batch: digits(6, 6),
  operator: anyText(6),
  terminalId: digits(8, 8),
  merchantId: digits(15, 15),
  rrn: fc.option(hex(12, 12), { nil: undefined }),
  authCode: fc.option(anyText(8), { nil: undefined }),
  issuerCode: fc.option(anyText(12), { nil: undefined }),
  signatureRequired: fc.boolean(),
  emv: fc.option(fc.record({ aid: hex(10, 32), label: anyText(16), cryptogram: hex(16, 16) }), {
    nil: undefined,
  }),
  original: fc.option(fc.record({ stan: digits(6, 6), batch: digits(6, 6), rrn: digits(12, 12) }), {
    nil: undefined,
  }),
  orderId: fc.option(anyText(40), { nil: undefined }),
});

const optionsArb = fc.record({
  merchantName: anyText(40).filter((s) => s.trim() !== ""),
  merchantNameEn: fc.option(anyText(60), { nil: undefined }),
  columns: fc.constantFrom(32 as const, 48 as const),
  copies: fc.constantFrom(1 as const, 2 as const, 3 as const),
  headerLines: fc.option(fc.array(anyText(70), { maxLength: 3 }), { nil: undefined }),
  footerLines: fc.option(fc.array(anyText(70), { maxLength: 3 }), { nil: undefined }),
  showEnglish: fc.option(fc.boolean(), { nil: undefined }),
  acquirerName: fc.option(anyText(20), { nil: undefined }),
  eReceipt: fc.option(
    fc.constant({ urlTemplate: "https://r.example/{terminalId}/{batch}{stan}?o={orderId}" }),
    {
      nil: undefined,
    },
  ),
});

type RecordInput = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;

function toRecord(r: RecordInput): TransactionRecord {
  const { pan, panForm, tip, ...fields } = r;
  return saleRecord({
    ...fields,
    tip,
    maskedPan: panForm === "clear" ? pan : maskPan(pan),
    panLast4: pan.slice(-4),
    amount: r.amount + tip,
  });
}

describe("slip properties (seeded)", () => {
  it("every line fits the paper: no text element wraps, no rendered line is wider than the columns", () => {
    fc.assert(
      fc.property(
        recordArb,
        optionsArb,
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        (r, options, index, reprint) => {
          const doc = buildTransactionSlip(toRecord(r), options, { index, reprint });
          for (const element of texts(doc)) {
            expect(displayWidth(element.text) * (element.style?.width ?? 1)).toBeLessThanOrEqual(
              options.columns,
            );
          }
          // A QR code's label stands for a picture, not text: it is the one line allowed to be long.
          for (const line of render(doc).filter((l) => !l.trimStart().startsWith("[QR: "))) {
            expect(displayWidth(line)).toBeLessThanOrEqual(options.columns);
          }
          expect(() => encodeReceipt(doc)).not.toThrow();
        },
      ),
      { seed: 7101, numRuns: 150 },
    );
  });

  it("never prints the clear PAN, even when the record holds it by mistake", () => {
    fc.assert(
      fc.property(recordArb, optionsArb, fc.integer({ min: 0, max: 2 }), (r, options, index) => {
        const doc = buildTransactionSlip(toRecord(r), options, { index });
        const text = render(doc).join("\n");
        expect(text).not.toContain(r.pan);
        expect(text.replace(/\s/g, "")).not.toContain(r.pan);
        expect(iconv.decode(encodeReceipt(doc), "gb18030")).not.toContain(r.pan);
      }),
      { seed: 7102, numRuns: 150 },
    );
  });
});
