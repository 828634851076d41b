import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskPaymentCode, parsePaymentCode, parseScannedCode, QrError } from "../../../protocol/qr/index.js";
import { loadVectors } from "../../support/vectors.js";

describe("parsePaymentCode", () => {
  it.each([
    ["6222600123456789012", "unionpay"],
    ["134567890123456789", "wechat"],
    ["104567890123456789", "wechat"],
    ["284567890123456789", "alipay"],
    ["2512345678901234", "alipay"],
    ["301234567890123456789012", "alipay"],
  ] as const)("recognises %s as %s", (code, scheme) => {
    expect(parsePaymentCode(code)).toEqual({ kind: "payment-code", scheme, code });
  });

  it.each([
    ["622260012345678901", "18 digits starting 62"],
    ["164567890123456789", "WeChat prefix out of range"],
    ["1345678901234567890", "19 digits starting 13"],
    ["2412345678901234", "Alipay prefix out of range"],
    ["3112345678901234567", "31"],
    ["62226001234567890123", "20 digits starting 62"],
  ])("rejects %s (%s)", (code) => {
    const error = (() => {
      try {
        parsePaymentCode(code);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(QrError);
    expect((error as QrError).path).toBe("payment code");
  });

  it("names the first non-digit", () => {
    try {
      parsePaymentCode("62226001234A6789012");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(QrError);
      expect((error as QrError).offset).toBe(11);
    }
  });

  it("masks the code 6+4", () => {
    expect(maskPaymentCode(parsePaymentCode("6222600123456789012"))).toBe("622260*********9012");
  });

  it("scheme rules are disjoint and total over their own shapes (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{16,24}$/), (digits) => {
        try {
          const code = parsePaymentCode(digits);
          const p = Number(digits.slice(0, 2));
          if (code.scheme === "unionpay") return p === 62 && digits.length === 19;
          if (code.scheme === "wechat") return p >= 10 && p <= 15 && digits.length === 18;
          return p >= 25 && p <= 30;
        } catch (error) {
          return error instanceof QrError;
        }
      }),
      { seed: 18, numRuns: 1000 },
    );
  });
});

describe("parseScannedCode", () => {
  it("routes digits to payment codes and base64 to the EMVCo CPM parser", () => {
    expect(parseScannedCode(" 134567890123456789\n")).toMatchObject({
      kind: "payment-code",
      scheme: "wechat",
    });
    const cpm = loadVectors<{ name: string; payload: string }[]>("emv-public.json").find(
      (v) => v.name === "emvco-cpm-qr-spec-sample",
    )!;
    const scanned = parseScannedCode(cpm.payload);
    expect(scanned.kind).toBe("emv-cpm");
    expect(() => parseScannedCode("hello world")).toThrow(QrError);
  });
});
