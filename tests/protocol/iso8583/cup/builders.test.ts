import { describe, expect, it } from "vitest";
import {
  buildBalanceInquiry,
  buildBatchUpload,
  buildCompletion,
  buildEcho,
  buildFinancial,
  buildRefund,
  buildReversal,
  buildSale,
  buildSignOut,
  buildVoid,
  type FinancialValues,
} from "../../../../protocol/iso8583/cup/builders.js";
import { cupSpec } from "../../../../protocol/iso8583/cup/spec.js";
import {
  ReversalReason,
  responseMtiOf,
  TRANSACTION_FACTORS,
  type TransactionKind,
  transactionOf,
} from "../../../../protocol/iso8583/cup/transactions.js";
import { pack, unpack } from "../../../../protocol/iso8583/message.js";

const values: FinancialValues = {
  terminalId: "12345678",
  merchantId: "123456789012345",
  stan: 7,
  batch: 2,
  amount: 1,
  card: { pan: "6222020000000001", entryMode: "021", track2: "6222020000000001=2912" },
  original: { batch: 2, stan: 6, date: "0721", rrn: "123456789012", authCode: "A1B2C3" },
};

const FINANCIAL: TransactionKind[] = [
  "balanceInquiry",
  "preAuth",
  "preAuthVoid",
  "completion",
  "completionVoid",
  "completionAdvice",
  "sale",
  "void",
  "refund",
  "offlineSale",
];

describe("builders follow the factor table", () => {
  for (const kind of FINANCIAL) {
    it(`${kind}: MTI, 3, 25 and 60.1 come from the table and the message packs`, () => {
      const m = buildFinancial(kind, values);
      const f = TRANSACTION_FACTORS[kind];
      expect(m.mti).toBe(f.requestMti);
      expect(m.fields[3]).toBe(f.processingCode);
      expect(m.fields[25]).toBe(f.conditionCode);
      expect(m.fields[60]!.slice(0, 2)).toBe(f.txnType);
      expect(transactionOf(m.mti, m.fields[60]!.slice(0, 2))).toBe(kind);
      expect(unpack(cupSpec, pack(cupSpec, m))).toEqual(m);
    });
  }

  it("void and refund carry the original's RRN, auth code and 61", () => {
    const m = buildVoid(values);
    expect(m.fields).toMatchObject({ 37: "123456789012", 38: "A1B2C3", 61: "0000020000060721" });
    expect(buildRefund(values).mti).toBe("0220");
    expect(() => buildCompletion({ ...values, original: undefined })).toThrow(/field 61/);
  });

  it("sale: tracks use D, 26 only with a PIN block, amount in fen", () => {
    const m = buildSale(values);
    expect(m.fields[35]).toBe("6222020000000001D2912");
    expect(m.fields[4]).toBe("000000000001");
    expect(m.fields[26]).toBeUndefined();
    expect(buildSale({ ...values, pinBlock: Buffer.alloc(8) }).fields[26]).toBe("06");
    expect(() => buildSale({ ...values, amount: 1.5 })).toThrow(/field 4/);
    expect(() => buildSale({ ...values, amount: undefined })).toThrow(/field 4/);
    expect(buildBalanceInquiry({ ...values, amount: undefined }).fields[4]).toBeUndefined();
  });

  it("management: sign-out 002, echo 301, batch upload END with count", () => {
    const ids = { terminalId: "12345678", merchantId: "123456789012345", stan: 1, batch: 2 };
    expect(buildSignOut(ids)).toMatchObject({ mti: "0820", fields: { 60: "00000002002" } });
    expect(buildEcho(ids)).toMatchObject({ mti: "0820", fields: { 60: "00000002301" } });
    const end = buildBatchUpload({ ...ids, netMgmtCode: "207", uploadCount: 5 });
    expect(end).toMatchObject({ mti: "0320", fields: { 48: "0005", 60: "00000002207" } });
    expect(() => buildBatchUpload({ ...ids, netMgmtCode: "202" })).toThrow(/uploadCount/);
    const ic = buildBatchUpload({
      ...ids,
      netMgmtCode: "203",
      card: {
        pan: "6222020000000001",
        entryMode: "051",
        cardSequence: "1",
        iccData: Buffer.from("9F260100", "hex"),
      },
      amount: 100,
      terminalFlags: { readCapability: "5", icCondition: "0" },
    });
    expect(ic.fields).toMatchObject({ 23: "001", 55: "9F260100", 60: "0000000220350" });
    expect(unpack(cupSpec, pack(cupSpec, ic))).toEqual(ic);
  });

  it("reversal keeps the original's 3/4/11/25/60, drops 35/52 and refuses non-reversible originals", () => {
    const sale = buildSale({ ...values, pinBlock: Buffer.alloc(8), securityControl: "2600000000000000" });
    const r = buildReversal(sale, { reason: ReversalReason.MacFailure, authCode: "123456" });
    expect(r.mti).toBe("0400");
    for (const n of [3, 4, 11, 25, 60]) expect(r.fields[n]).toBe(sale.fields[n]);
    for (const n of [26, 35, 52, 53]) expect(r.fields[n]).toBeUndefined();
    expect(r.fields).toMatchObject({ 38: "123456", 39: "A0" });
    expect(buildReversal(sale, { reason: "98", keepTracks: true }).fields[35]).toBe(sale.fields[35]);
    expect(() => buildReversal(buildRefund(values), { reason: "98" })).toThrow(/not reversible/);
    expect(() => buildReversal(buildBalanceInquiry(values), { reason: "98" })).toThrow(/field 60.1/);
  });

  it("response MTI is the request MTI with the function digit + 1", () => {
    expect(responseMtiOf("0200")).toBe("0210");
    expect(responseMtiOf("0820")).toBe("0830");
    expect(() => responseMtiOf("0210")).toThrow(/not a request MTI/);
    for (const f of Object.values(TRANSACTION_FACTORS))
      expect(responseMtiOf(f.requestMti)).toBe(f.responseMti);
  });
});
