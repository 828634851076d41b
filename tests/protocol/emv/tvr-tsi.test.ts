import { describe, expect, it } from "vitest";
import {
  describeTvr,
  EmvDataError,
  TSI_BIT_NAMES,
  Tsi,
  type TsiBit,
  TVR_BIT_NAMES,
  Tvr,
  type TvrBit,
} from "../../../protocol/emv/index.js";
import { toHex } from "../../../protocol/hex.js";

/** EMV Book 3 Annex C5: every named bit and the exact TVR it produces alone. */
const TVR_EXPECTED: Record<TvrBit, string> = {
  offlineDataAuthenticationNotPerformed: "8000000000",
  sdaFailed: "4000000000",
  iccDataMissing: "2000000000",
  cardOnExceptionFile: "1000000000",
  ddaFailed: "0800000000",
  cdaFailed: "0400000000",
  sdaSelected: "0200000000",
  iccAndTerminalDifferentApplicationVersions: "0080000000",
  expiredApplication: "0040000000",
  applicationNotYetEffective: "0020000000",
  requestedServiceNotAllowed: "0010000000",
  newCard: "0008000000",
  cardholderVerificationNotSuccessful: "0000800000",
  unrecognisedCvm: "0000400000",
  pinTryLimitExceeded: "0000200000",
  pinPadNotPresentOrNotWorking: "0000100000",
  pinPadPresentButPinNotEntered: "0000080000",
  onlinePinEntered: "0000040000",
  transactionExceedsFloorLimit: "0000008000",
  lowerConsecutiveOfflineLimitExceeded: "0000004000",
  upperConsecutiveOfflineLimitExceeded: "0000002000",
  transactionSelectedRandomlyForOnline: "0000001000",
  merchantForcedTransactionOnline: "0000000800",
  defaultTdolUsed: "0000000080",
  issuerAuthenticationFailed: "0000000040",
  scriptProcessingFailedBeforeFinalGenerateAc: "0000000020",
  scriptProcessingFailedAfterFinalGenerateAc: "0000000010",
};

describe("TVR (95)", () => {
  it("names exactly the 27 defined bits of Annex C5", () => {
    expect([...TVR_BIT_NAMES].sort()).toEqual(Object.keys(TVR_EXPECTED).sort());
  });

  it.each(Object.entries(TVR_EXPECTED) as [TvrBit, string][])("%s alone is %s", (bit, hex) => {
    const tvr = new Tvr().set(bit);
    expect(toHex(tvr.toBuffer())).toBe(hex);
    expect(tvr.has(bit)).toBe(true);
    expect(tvr.setBits()).toEqual([bit]);
    expect(describeTvr(Buffer.from(hex, "hex"))).toEqual([bit]);
    expect(toHex(tvr.clear(bit).toBuffer())).toBe("0000000000");
  });

  it("combines bits, matches action codes, and never leaks its buffer", () => {
    const tvr = new Tvr().set("offlineDataAuthenticationNotPerformed").set("transactionExceedsFloorLimit");
    expect(toHex(tvr.toBuffer())).toBe("8000008000");
    // CUP TAC-Online 584024F830 does not contain B1b8 nor B4b8? 58=0101 1000: no B1b8; F8 has B4b8.
    expect(tvr.matches(Buffer.from("584024F830", "hex"))).toBe(true);
    expect(tvr.matches(Buffer.from("0010000000", "hex"))).toBe(false);
    tvr.toBuffer().fill(0xff);
    expect(toHex(tvr.toBuffer())).toBe("8000008000");
    expect(toHex(Tvr.fromBuffer(Buffer.from("0000000000", "hex")).toBuffer())).toBe("0000000000");
  });

  it("rejects wrong sizes with EmvDataError", () => {
    expect(() => new Tvr(Buffer.alloc(4))).toThrow(EmvDataError);
    expect(() => new Tvr().matches(Buffer.alloc(3))).toThrow(EmvDataError);
  });
});

const TSI_EXPECTED: Record<TsiBit, string> = {
  offlineDataAuthenticationPerformed: "8000",
  cardholderVerificationPerformed: "4000",
  cardRiskManagementPerformed: "2000",
  issuerAuthenticationPerformed: "1000",
  terminalRiskManagementPerformed: "0800",
  scriptProcessingPerformed: "0400",
};

describe("TSI (9B)", () => {
  it("names the six bits of Annex C6", () => {
    expect([...TSI_BIT_NAMES].sort()).toEqual(Object.keys(TSI_EXPECTED).sort());
  });

  it.each(Object.entries(TSI_EXPECTED) as [TsiBit, string][])("%s alone is %s", (bit, hex) => {
    const tsi = new Tsi().set(bit);
    expect(toHex(tsi.toBuffer())).toBe(hex);
    expect(tsi.has(bit)).toBe(true);
    expect(tsi.setBits()).toEqual([bit]);
    expect(toHex(tsi.clear(bit).toBuffer())).toBe("0000");
  });

  it("rejects wrong sizes", () => {
    expect(() => Tsi.fromBuffer(Buffer.alloc(3))).toThrow(EmvDataError);
  });
});
