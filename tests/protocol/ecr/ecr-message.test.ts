import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildEcrMessage,
  decimalFromFen,
  decodeEcrMessage,
  type EcrMessage,
  EcrMessageError,
  encodeEcrMessage,
  fenFromDecimal,
  parseEcrHeader,
  parseEcrMessage,
  parseEcrText,
} from "../../../protocol/ecr/index.js";

const header = {
  ProtocolVersion: "3.1",
  MessageClass: "Service",
  MessageCategory: "Payment",
  MessageType: "Request",
  ServiceID: "27491",
  SaleID: "REGISTER-1",
  POIID: "10000001",
} as const;

/** The PaymentRequest of docs/ecr-protocol.md §4.3, as a cash register sends it. */
const paymentRequestJson = {
  SaleToPOIRequest: {
    MessageHeader: header,
    PaymentRequest: {
      SaleData: { SaleTransactionID: { TransactionID: "ORDER-1", TimeStamp: "2024-05-01T10:20:30+08:00" } },
      PaymentTransaction: { AmountsReq: { Currency: "CNY", RequestedAmount: "12.34" } },
      PaymentData: { PaymentType: "Normal" },
    },
  },
};

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function errorOf(fn: () => unknown): EcrMessageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EcrMessageError);
    return error as EcrMessageError;
  }
  throw new Error("expected an EcrMessageError");
}

describe("ECR messages: vectors", () => {
  it("parses the documented PaymentRequest into a typed value with the amount in fen", () => {
    const message = parseEcrMessage(paymentRequestJson);
    expect(message).toEqual({
      type: "Request",
      category: "Payment",
      header: {
        ProtocolVersion: "3.1",
        MessageClass: "Service",
        ServiceID: "27491",
        SaleID: "REGISTER-1",
        POIID: "10000001",
      },
      body: {
        SaleData: { SaleTransactionID: { TransactionID: "ORDER-1", TimeStamp: "2024-05-01T10:20:30+08:00" } },
        PaymentTransaction: { AmountsReq: { Currency: "CNY", RequestedAmount: 1234 } },
        PaymentData: { PaymentType: "Normal" },
      },
    });
    expect(buildEcrMessage(message)).toEqual(paymentRequestJson);
  });

  it.each([
    ["12.34", 1234],
    ["12.3", 1230],
    ["12", 1200],
    ["0.01", 1],
    ["0.1", 10],
    ["9999999999.99", 999_999_999_999],
  ])("amount %s → %d fen, exactly", (text, fen) => {
    expect(fenFromDecimal(text)).toBe(fen);
  });

  it.each([
    ["12.345", "more than 2 decimals"],
    ["012.34", "leading zero"],
    ["1e3", "decimal string"],
    ["-1.00", "decimal string"],
    [" 1.00", "decimal string"],
    ["12.", "decimal string"],
    ["0", "more than 0"],
    ["0.00", "more than 0"],
    ["99999999999.00", "decimal string"],
  ])("refuses the amount %j, naming its path", (amount, why) => {
    const json = clone(paymentRequestJson);
    (
      json.SaleToPOIRequest.PaymentRequest.PaymentTransaction.AmountsReq as { RequestedAmount: unknown }
    ).RequestedAmount = amount;
    const error = errorOf(() => parseEcrMessage(json));
    expect(error.path).toBe("SaleToPOIRequest.PaymentRequest.PaymentTransaction.AmountsReq.RequestedAmount");
    expect(error.message).toContain(why);
  });

  it("refuses a JSON number as an amount (binary floating point cannot hold 0.1)", () => {
    const json = clone(paymentRequestJson);
    (
      json.SaleToPOIRequest.PaymentRequest.PaymentTransaction.AmountsReq as { RequestedAmount: unknown }
    ).RequestedAmount = 12.34;
    expect(errorOf(() => parseEcrMessage(json)).path).toMatch(/RequestedAmount$/);
  });

  it.each([
    [(j: typeof paymentRequestJson) => ({ ...j, extra: 1 }), "$"],
    [
      (j: typeof paymentRequestJson) => ({
        SaleToPOIRequest: { MessageHeader: j.SaleToPOIRequest.MessageHeader },
      }),
      "SaleToPOIRequest.PaymentRequest",
    ],
    [
      (j: typeof paymentRequestJson) => ({
        SaleToPOIRequest: { ...j.SaleToPOIRequest, ReversalRequest: {} },
      }),
      "SaleToPOIRequest.ReversalRequest",
    ],
    [
      (j: typeof paymentRequestJson) => ({
        SaleToPOIResponse: { ...j.SaleToPOIRequest },
      }),
      "SaleToPOIResponse.MessageHeader.MessageType",
    ],
    [
      (j: typeof paymentRequestJson) => {
        const c = clone(j);
        (c.SaleToPOIRequest.MessageHeader as { ServiceID: string }).ServiceID = "12345678901";
        return c;
      },
      "SaleToPOIRequest.MessageHeader.ServiceID",
    ],
    [
      (j: typeof paymentRequestJson) => {
        const c = clone(j);
        (c.SaleToPOIRequest.PaymentRequest.PaymentTransaction.AmountsReq as { Currency: string }).Currency =
          "USD";
        return c;
      },
      "SaleToPOIRequest.PaymentRequest.PaymentTransaction.AmountsReq.Currency",
    ],
    [
      (j: typeof paymentRequestJson) => {
        const c = clone(j);
        (c.SaleToPOIRequest.PaymentRequest.SaleData.SaleTransactionID as { TimeStamp: string }).TimeStamp =
          "yesterday";
        return c;
      },
      "SaleToPOIRequest.PaymentRequest.SaleData.SaleTransactionID.TimeStamp",
    ],
  ])("names the JSON path of a malformed message (%#)", (mutate, path) => {
    expect(errorOf(() => parseEcrMessage(mutate(paymentRequestJson))).path).toBe(path);
  });

  it("reads the header alone, to answer a malformed body with MessageFormat", () => {
    const json = clone(paymentRequestJson) as { SaleToPOIRequest: { PaymentRequest: unknown } };
    json.SaleToPOIRequest.PaymentRequest = { nonsense: true };
    expect(parseEcrHeader(json)).toEqual(header);
    expect(() => parseEcrMessage(json)).toThrow(EcrMessageError);
  });

  it("refuses bytes that are not UTF-8 or not JSON", () => {
    expect(errorOf(() => decodeEcrMessage(Buffer.of(0x7b, 0xff, 0x7d))).message).toContain("UTF-8");
    expect(errorOf(() => parseEcrText("{")).message).toContain("not JSON");
  });

  it("refuses to build a typed value that cannot travel (negative fen)", () => {
    const message = parseEcrMessage(paymentRequestJson);
    if (message.category !== "Payment" || message.type !== "Request") throw new Error("unreachable");
    message.body.PaymentTransaction.AmountsReq.RequestedAmount = -5;
    expect(errorOf(() => buildEcrMessage(message)).path).toMatch(/RequestedAmount$/);
  });
});

// ---- properties ------------------------------------------------------------------------------------

const id = (max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9._/-]{1,${max}}$`));
const stamp = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());
const fen = fc.integer({ min: 1, max: 999_999_999_999 });
const headerArb = fc.record({
  ProtocolVersion: fc.constant("3.1"),
  MessageClass: fc.constant("Service" as const),
  ServiceID: id(10),
  SaleID: id(32),
  POIID: id(32),
});
const result = fc.record(
  {
    Result: fc.constantFrom("Success", "Failure", "Partial"),
    ErrorCondition: fc.constantFrom("Busy", "Aborted", "Refusal", "NotFound", "MessageFormat", "InProgress"),
    AdditionalResponse: fc.string({ maxLength: 40 }),
  },
  { requiredKeys: ["Result"] },
);
const poiTx = fc.record({ TransactionID: id(32), TimeStamp: stamp }, { requiredKeys: ["TransactionID"] });
const paymentResponse = fc.record(
  {
    Response: result,
    SaleData: fc.record({ SaleTransactionID: fc.record({ TransactionID: id(32), TimeStamp: stamp }) }),
    POIData: fc.record({ POITransactionID: poiTx }),
    PaymentResult: fc.record({
      PaymentType: fc.constantFrom("Normal", "Refund"),
      PaymentInstrumentData: fc.record({
        PaymentInstrumentType: fc.constantFrom("Card", "Mobile"),
        CardData: fc.record({
          MaskedPAN: fc
            .tuple(fc.stringMatching(/^\d{6}$/), fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^\d{4}$/))
            .map(([a, n, b]) => `${a}${"*".repeat(n)}${b}`),
          EntryMode: fc.constantFrom(["MagStripe"], ["ICC"], ["Contactless"], ["MagStripe", "Fallback"]),
        }),
      }),
      AmountsResp: fc.record({
        Currency: fc.constant("CNY" as const),
        AuthorizedAmount: fc.integer({ min: 0, max: 999_999_999_999 }),
      }),
      PaymentAcquirerData: fc.record(
        {
          MerchantID: fc.stringMatching(/^\d{15}$/),
          AcquirerPOIID: fc.stringMatching(/^\d{8}$/),
          ApprovalCode: fc.stringMatching(/^\d{6}$/),
          AcquirerTransactionID: fc.record({ TransactionID: fc.stringMatching(/^\d{12}$/) }),
          TraceNumber: fc.stringMatching(/^\d{6}$/),
          BatchNumber: fc.stringMatching(/^\d{6}$/),
        },
        { requiredKeys: ["MerchantID", "AcquirerPOIID", "TraceNumber", "BatchNumber"] },
      ),
    }),
    PaymentReceipt: fc.array(
      fc.record({
        DocumentQualifier: fc.constantFrom("CashierReceipt", "CustomerReceipt"),
        OutputContent: fc.record({
          OutputFormat: fc.constant("Text" as const),
          OutputText: fc.array(fc.record({ Text: fc.string({ maxLength: 48, unit: "grapheme" }) }), {
            maxLength: 5,
          }),
        }),
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ["Response"] },
);

const messageArb: fc.Arbitrary<EcrMessage> = fc.oneof(
  fc.record({
    type: fc.constant("Request" as const),
    category: fc.constant("Payment" as const),
    header: headerArb,
    body: fc.record({
      SaleData: fc.record({ SaleTransactionID: fc.record({ TransactionID: id(32), TimeStamp: stamp }) }),
      PaymentTransaction: fc.record(
        {
          AmountsReq: fc.record({ Currency: fc.constant("CNY" as const), RequestedAmount: fen }),
          OriginalPOITransaction: fc.record({ POITransactionID: poiTx }),
        },
        { requiredKeys: ["AmountsReq"] },
      ),
      PaymentData: fc.record({ PaymentType: fc.constantFrom("Normal", "Refund") }),
    }),
  }),
  fc.record({
    type: fc.constant("Request" as const),
    category: fc.constant("Reversal" as const),
    header: headerArb,
    body: fc.record(
      {
        OriginalPOITransaction: fc.record({ POITransactionID: poiTx }),
        ReversalReason: fc.constantFrom("MerchantCancel", "CustCancel"),
      },
      { requiredKeys: ["OriginalPOITransaction"] },
    ),
  }),
  fc.record({
    type: fc.constant("Request" as const),
    category: fc.constant("TransactionStatus" as const),
    header: headerArb,
    body: fc.record(
      {
        MessageReference: fc.record({ ServiceID: id(10), SaleID: id(32) }, { requiredKeys: [] }),
        SaleTransactionID: fc.record({ TransactionID: id(32) }),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    type: fc.constant("Response" as const),
    category: fc.constant("Payment" as const),
    header: headerArb,
    body: paymentResponse,
  }),
  fc.record({
    type: fc.constant("Response" as const),
    category: fc.constant("TransactionStatus" as const),
    header: headerArb,
    body: fc.record(
      {
        Response: result,
        RepeatedMessageResponse: fc.record({
          MessageHeader: headerArb.map((h) => ({
            ...h,
            MessageCategory: "Payment" as const,
            MessageType: "Response" as const,
          })),
          RepeatedResponseMessageBody: fc.record({ PaymentResponse: paymentResponse }),
        }),
      },
      { requiredKeys: ["Response"] },
    ),
  }),
  fc.record({
    type: fc.constant("Response" as const),
    category: fc.constant("Abort" as const),
    header: headerArb,
    body: fc.record({ Response: result }),
  }),
) as fc.Arbitrary<EcrMessage>;

describe("ECR messages: properties", () => {
  it("parse(build(x)) = x, and decode(encode(x)) = x through UTF-8 JSON", () => {
    fc.assert(
      fc.property(messageArb, (message) => {
        expect(parseEcrMessage(JSON.parse(JSON.stringify(buildEcrMessage(message))))).toEqual(message);
        expect(decodeEcrMessage(encodeEcrMessage(message))).toEqual(message);
      }),
      { seed: 20240501, numRuns: 300 },
    );
  });

  it("fen → decimal → fen is the identity", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), (n) => {
        expect(fenFromDecimal(decimalFromFen(n))).toBe(n);
      }),
      { seed: 7, numRuns: 1000 },
    );
  });

  it("random bytes, random JSON and truncated messages only ever raise EcrMessageError", () => {
    const only = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        if (!(error instanceof EcrMessageError)) throw error;
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => only(() => decodeEcrMessage(bytes))),
      { seed: 11, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (json) => only(() => parseEcrMessage(json))),
      { seed: 12, numRuns: 500 },
    );
    fc.assert(
      fc.property(messageArb, fc.nat(), (message, cut) => {
        const bytes = encodeEcrMessage(message);
        only(() => decodeEcrMessage(bytes.subarray(0, cut % bytes.length)));
      }),
      { seed: 13, numRuns: 300 },
    );
    // Structure-aware: a valid message with one leaf replaced by a random JSON value.
    fc.assert(
      fc.property(messageArb, fc.nat(), fc.jsonValue({ maxDepth: 2 }), (message, pick, junk) => {
        const json = buildEcrMessage(message);
        const leaves: [Record<string, unknown>, string][] = [];
        const walk = (node: unknown) => {
          if (typeof node !== "object" || node === null) return;
          for (const [k, v] of Object.entries(node)) {
            leaves.push([node as Record<string, unknown>, k]);
            walk(v);
          }
        };
        walk(json);
        const [parent, key] = leaves[pick % leaves.length]!;
        parent[key] = junk;
        only(() => parseEcrMessage(json));
      }),
      { seed: 14, numRuns: 500 },
    );
  });
});
