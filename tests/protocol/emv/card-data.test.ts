import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aflRecords,
  aucAllows,
  cvmConditionSatisfied,
  cvmResults,
  EmvDataError,
  generateAcCommand,
  generateAcP1,
  parseAfl,
  parseAip,
  parseAuc,
  parseCid,
  parseCvmList,
  parseGenerateAcP1,
  readRecordCommand,
  selectOdaMethod,
} from "../../../protocol/emv/index.js";
import { toHex } from "../../../protocol/hex.js";

const hex = (text: string) => Buffer.from(text, "hex");

describe("AIP (82)", () => {
  it("decodes the CUP AIP 7C00 and the Mastercard-style 3900", () => {
    const cup = parseAip(hex("7C00"));
    expect(cup).toMatchObject({
      sda: true,
      dda: true,
      cardholderVerification: true,
      terminalRiskManagement: true,
      issuerAuthentication: true,
      cda: false,
    });
    const mc = parseAip(hex("3900"));
    expect(mc).toMatchObject({
      sda: false,
      dda: true,
      cardholderVerification: true,
      terminalRiskManagement: true,
      cda: true,
    });
    expect(parseAip(hex("0080")).emvModeSupported).toBe(true);
    expect(() => parseAip(hex("7C"))).toThrow(EmvDataError);
  });

  it("selects CDA > DDA > SDA, or none", () => {
    const all = { sda: true, dda: true, cda: true };
    expect(selectOdaMethod(parseAip(hex("3900")), all)).toBe("cda");
    expect(selectOdaMethod(parseAip(hex("3900")), { ...all, cda: false })).toBe("dda");
    expect(selectOdaMethod(parseAip(hex("5C00")), all)).toBe("sda");
    expect(selectOdaMethod(parseAip(hex("1C00")), all)).toBeUndefined();
  });
});

describe("AUC (9F07)", () => {
  it("decodes FF00 / FFC0 and applies the §10.4.2 rules", () => {
    const auc = parseAuc(hex("FFC0"));
    expect(auc.domesticCashback && auc.internationalCashback && auc.validAtAtms).toBe(true);
    // A900: domestic cash, goods and services; not at ATMs; valid at other terminals.
    const domesticOnly = parseAuc(hex("A900"));
    expect(aucAllows(domesticOnly, { domestic: true, atm: false, service: "goods" })).toBe(true);
    expect(aucAllows(domesticOnly, { domestic: false, atm: false, service: "goods" })).toBe(false);
    expect(aucAllows(domesticOnly, { domestic: true, atm: true, service: "cash" })).toBe(false);
    expect(aucAllows(domesticOnly, { domestic: true, atm: false, service: "goods-with-cashback" })).toBe(
      false,
    );
    expect(
      aucAllows(parseAuc(hex("3D80")), { domestic: true, atm: false, service: "services-with-cashback" }),
    ).toBe(true);
    expect(aucAllows(parseAuc(hex("3D80")), { domestic: false, atm: false, service: "services" })).toBe(true);
    expect(aucAllows(parseAuc(hex("FF00")), { domestic: false, atm: false, service: "cash" })).toBe(true);
    expect(() => parseAuc(hex("FF"))).toThrow(EmvDataError);
  });
});

describe("CID (9F27) and GENERATE AC P1", () => {
  it.each([
    ["00", "AAC", false, "no-information"],
    ["40", "TC", false, "no-information"],
    ["80", "ARQC", false, "no-information"],
    ["C0", "AAR", false, "no-information"],
    ["09", "AAC", true, "service-not-allowed"],
    ["02", "AAC", false, "pin-try-limit-exceeded"],
    ["0B", "AAC", true, "issuer-authentication-failed"],
    ["07", "AAC", false, "rfu"],
  ])("%s ⇒ %s", (value, type, advice, reason) => {
    expect(parseCid(hex(value))).toMatchObject({ type, adviceRequired: advice, reason });
  });

  it("builds and reads P1 incl. the CDA bit", () => {
    expect(generateAcP1("ARQC", true)).toBe(0x90);
    expect(generateAcP1("TC", false)).toBe(0x40);
    expect(generateAcP1("AAC", false)).toBe(0x00);
    expect(parseGenerateAcP1(0x90)).toEqual({ type: "ARQC", cda: true });
    expect(toHex(generateAcCommand("ARQC", false, hex("0102")))).toBe("80AE8000020102" + "00");
    expect(() => generateAcCommand("TC", false, Buffer.alloc(256))).toThrow(EmvDataError);
    expect(() => parseCid(Buffer.alloc(2))).toThrow(EmvDataError);
  });
});

describe("AFL (94)", () => {
  it("parses entries and the record list with ODA marks", () => {
    const afl = parseAfl(hex("08010100" + "10010301" + "18010200"));
    expect(afl).toEqual([
      { sfi: 1, firstRecord: 1, lastRecord: 1, odaRecords: 0 },
      { sfi: 2, firstRecord: 1, lastRecord: 3, odaRecords: 1 },
      { sfi: 3, firstRecord: 1, lastRecord: 2, odaRecords: 0 },
    ]);
    expect(aflRecords(afl).map((r) => `${r.sfi}.${r.record}${r.oda ? "*" : ""}`)).toEqual([
      "1.1",
      "2.1*",
      "2.2",
      "2.3",
      "3.1",
      "3.2",
    ]);
    expect(toHex(readRecordCommand(2, 3))).toBe("00B203140" + "0");
    expect(parseAfl(hex("F0010101"))[0]!.sfi).toBe(30);
  });

  it.each([
    ["empty", ""],
    ["not a multiple of 4", "080101"],
    ["SFI 0", "00010100"],
    ["SFI 31", "F8010100"],
    ["low SFI bits set", "09010100"],
    ["first record 0", "08000100"],
    ["last < first", "08020100"],
    ["ODA count > records", "08010203"],
  ])("rejects %s", (_name, value) => {
    expect(() => parseAfl(hex(value))).toThrow(EmvDataError);
  });

  it("random input only ever gives EmvDataError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const afl = parseAfl(Buffer.from(bytes));
          for (const e of afl) {
            expect(e.sfi).toBeGreaterThanOrEqual(1);
            expect(e.sfi).toBeLessThanOrEqual(30);
            expect(e.odaRecords).toBeLessThanOrEqual(e.lastRecord - e.firstRecord + 1);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(EmvDataError);
        }
      }),
      { seed: 6001, numRuns: 2000 },
    );
  });
});

describe("CVM list (8E)", () => {
  it("decodes a CUP-style list: online PIN, signature, no CVM", () => {
    // X=0, Y=0; 42 03 online PIN if terminal supports (next on fail); 1E 03 signature; 1F 03 no CVM.
    const list = parseCvmList(hex("00000000000000004203" + "1E03" + "1F03"));
    expect(list.amountX).toBe(0);
    expect(list.rules.map((r) => [r.method, r.condition, r.applyNextIfUnsuccessful])).toEqual([
      ["online-enciphered-pin", "terminal-supports-cvm", true],
      ["signature", "terminal-supports-cvm", false],
      ["no-cvm-required", "terminal-supports-cvm", false],
    ]);
  });

  it("decodes every method and condition code, amounts X/Y, unknown codes kept", () => {
    const list = parseCvmList(
      hex(
        "000003E8" +
          "00002710" +
          "0000" +
          "4101" +
          "0202" +
          "0303" +
          "0404" +
          "0505" +
          "1E06" +
          "1F07" +
          "3F08" +
          "2009" +
          "010A",
      ),
    );
    expect(list.amountX).toBe(1000);
    expect(list.amountY).toBe(10000);
    expect(list.rules.map((r) => r.method)).toEqual([
      "fail-cvm",
      "offline-plaintext-pin",
      "online-enciphered-pin",
      "offline-plaintext-pin-and-signature",
      "offline-enciphered-pin",
      "offline-enciphered-pin-and-signature",
      "signature",
      "no-cvm-required",
      "no-cvm-performed",
      "unknown",
      "offline-plaintext-pin",
    ]);
    expect(list.rules.map((r) => r.condition)).toEqual([
      "always",
      "unattended-cash",
      "not-unattended-cash-manual-cash-or-cashback",
      "terminal-supports-cvm",
      "manual-cash",
      "purchase-with-cashback",
      "under-x",
      "over-x",
      "under-y",
      "over-y",
      "unknown",
    ]);
  });

  it("evaluates amount conditions only in the application currency", () => {
    const list = parseCvmList(hex("000003E8" + "00002710" + "1E06" + "0207" + "1E08" + "0209"));
    const [underX, overX, underY, overY] = list.rules as [never, never, never, never];
    const at = (amount: number, sameCurrency = true) => ({ amount, sameCurrency });
    expect(cvmConditionSatisfied(underX, list, at(999))).toBe(true);
    expect(cvmConditionSatisfied(underX, list, at(1000))).toBe(false);
    expect(cvmConditionSatisfied(overX, list, at(1001))).toBe(true);
    expect(cvmConditionSatisfied(overX, list, at(1001, false))).toBe(false);
    expect(cvmConditionSatisfied(underY, list, at(9999))).toBe(true);
    expect(cvmConditionSatisfied(overY, list, at(10001))).toBe(true);
    expect(cvmConditionSatisfied(overY, list, at(10000))).toBe(false);
    const other = parseCvmList(
      hex("0000000000000000" + "1E00" + "1E01" + "1E02" + "1E03" + "1E04" + "1E05" + "1E0A"),
    );
    const ctx = { amount: 1, sameCurrency: true, terminalSupports: (m: string) => m === "signature" };
    expect(other.rules.map((r) => cvmConditionSatisfied(r, other, ctx))).toEqual([
      true,
      false,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(other.rules.map((r) => cvmConditionSatisfied(r, other, { ...ctx, cashback: true }))).toEqual([
      true,
      false,
      false,
      true,
      false,
      true,
      false,
    ]);
  });

  it("builds CVM results 9F34", () => {
    const list = parseCvmList(hex("00000000000000004203"));
    expect(toHex(cvmResults(list.rules[0], "unknown"))).toBe("420300");
    expect(toHex(cvmResults(undefined, "failed"))).toBe("3F0001");
  });

  it.each([
    ["too short", "00000000000000"],
    ["odd rule area", "000000000000000042"],
  ])("rejects %s", (_n, v) => {
    expect(() => parseCvmList(hex(v))).toThrow(EmvDataError);
  });

  it("random input only ever gives EmvDataError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        try {
          const list = parseCvmList(Buffer.from(bytes));
          expect(list.rules.length).toBe((bytes.length - 8) / 2);
        } catch (error) {
          expect(error).toBeInstanceOf(EmvDataError);
        }
      }),
      { seed: 6002, numRuns: 2000 },
    );
  });
});
