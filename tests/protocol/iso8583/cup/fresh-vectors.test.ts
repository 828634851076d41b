import { describe, expect, it } from "vitest";
import {
  buildReversal,
  buildSale,
  buildSettlement,
  buildSignIn,
} from "../../../../protocol/iso8583/cup/builders.js";
import { packFrame, unpackFrame } from "../../../../protocol/iso8583/cup/frame.js";
import { macInput } from "../../../../protocol/iso8583/cup/mac.js";
import { cupSpec } from "../../../../protocol/iso8583/cup/spec.js";
import { ReversalReason } from "../../../../protocol/iso8583/cup/transactions.js";
import { pack, unpack } from "../../../../protocol/iso8583/message.js";

/**
 * Vectors derived by hand from the §1.3 table, written as annotated byte groups so each one can be
 * checked against the reference without running the code.
 */
const bytes = (...groups: string[]) => groups.join("").replace(/\s/g, "");
const hex = (b: Buffer) => b.toString("hex").toUpperCase();

const ids = { terminalId: "12345678", merchantId: "123456789012345" };
const TID = "3132333435363738";
const MID = "313233343536373839303132333435";

describe("hand-derived CUP vectors", () => {
  it("0800 sign-in (60.3 003, operator 001)", () => {
    const message = buildSignIn({ ...ids, stan: 123, batch: 1, operator: "001" });
    const expected = bytes(
      "0800", // MTI, BCD
      "0020000000C00012", // bitmap: 11 | 41 42 | 60 63
      "000123", // 11 n6
      TID, // 41 ans8
      MID, // 42 ans15
      "0011 000000010030", // 60 LLL=011 digits, "00"+"000001"+"003" left-aligned, pad 0
      "0003 303031", // 63 LLL=3, "001"
    );
    expect(hex(pack(cupSpec, message))).toBe(expected);
    expect(unpack(cupSpec, Buffer.from(expected, "hex"))).toEqual(message);
  });

  it("0500 settlement with both 31-digit blocks in field 48", () => {
    const message = buildSettlement({
      ...ids,
      stan: 124,
      batch: 1,
      operator: "001",
      totals: {
        domestic: { debitAmount: 12345, debitCount: 3, creditAmount: 1000, creditCount: 1, result: 0 },
        foreign: { debitAmount: 0, debitCount: 0, creditAmount: 0, creditCount: 0, result: 0 },
      },
    });
    const expected = bytes(
      "0500",
      "0020000000C18012", // 11 | 41 42 48 | 49 | 60 63
      "000124",
      TID,
      MID,
      // 48: LLL 062 digits = 31 bytes:
      // 000000012345 003 000000001000 001 0 | 000000000000 000 000000000000 000 0
      "0062",
      "00000001234500300000000100000100000000000000000000000000000000",
      "313536", // 49 "156"
      "0011 000000012010", // 60 "00"+"000001"+"201"
      "0003 303031", // 63
    );
    expect(hex(pack(cupSpec, message))).toBe(expected);
  });

  const sale = () =>
    buildSale({
      ...ids,
      stan: 125,
      batch: 1,
      amount: 10000,
      card: {
        pan: "6217001234567890123",
        expiry: "2912",
        entryMode: "051",
        cardSequence: "1",
        track2: "6217001234567890123=2912220",
        iccData: Buffer.from("9F2608112233445566778 89F2701805F3401018202 7C00".replace(/\s/g, ""), "hex"),
      },
      pinBlock: Buffer.from("0123456789ABCDEF", "hex"),
      securityControl: "2600000000000000",
      terminalFlags: { readCapability: "5" },
    });

  it("0200 IC sale with field 55, framed, MAC in place", () => {
    const message = { ...sale(), fields: { ...sale().fields, 64: "4233413039324145" } };
    const body = bytes(
      "0200",
      "702406C020C09A11", // 2 3 4 | 11 14 | 22 23 | 25 26 (C0) | 35 | 41 42 | 49 52 53 55 | 60 64
      "19 6217001234567890123 0", // 2: LL 19, left-aligned, trailing pad nibble
      "000000", // 3 sale
      "000000010000", // 4: 100.00 yuan in fen
      "000125", // 11
      "2912", // 14
      "0510", // 22 "051" LEFT-aligned
      "0001", // 23 "001" right-aligned
      "00", // 25
      "06", // 26 (PIN present)
      "27 62170012345678901 23D2912220 0", // 35: 27 digits, '=' as nibble D, pad 0
      TID,
      MID,
      "313536", // 49
      "0123456789ABCDEF", // 52
      "2600000000000000", // 53
      "0023 9F26081122334455667788 9F270180 5F340101 82027C00", // 55: LLL 23 bytes of TLV
      "0014 22000001000500", // 60: 22 000001 000 5 0 0
      "4233413039324145", // 64: "B3A092AE" as ASCII
    );
    expect(hex(pack(cupSpec, message))).toBe(body);
    const frame = {
      tpdu: { destination: "0003", source: "0000" },
      header: headerOf("603100311003"),
      message,
    };
    const framed = packFrame(frame);
    const length = (body.length / 2 + 11).toString(16).toUpperCase().padStart(4, "0");
    // 2+8 MTI/bitmap, 11 (2), 3+6+3+2 (3,4,11,14), 2+2+1+1 (22,23,25,26), 15 (35), 8+15+3+8+8 (41..53),
    // 25 (55), 9 (60), 8 (64) = 140-byte message + 5 TPDU + 6 header = 151
    expect(length).toBe("0097");
    expect(hex(framed)).toBe(bytes(length, "6000030000", "603100311003", body));
    expect(unpackFrame(framed)).toEqual(frame);
    // MAB: everything before field 64 (bit 64 already set in the bitmap).
    expect(hex(macInput(framed.subarray(13)))).toBe(body.slice(0, -16));
  });

  it("0400 reversal of that sale after a timeout: drops 26/35/52/53, adds 39, reduced 55", () => {
    const reversal = buildReversal(sale(), {
      reason: ReversalReason.Timeout,
      iccData: Buffer.from("9F360200129505 0000000000".replace(/\s/g, ""), "hex"),
    });
    reversal.fields[64] = "3132333435363738";
    const expected = bytes(
      "0400",
      "7024068002C08211", // 2 3 4 | 11 14 | 22 23 | 25 | 39 | 41 42 | 49 55 | 60 64
      "19 6217001234567890123 0",
      "000000",
      "000000010000",
      "000125", // same STAN as the original
      "2912",
      "0510",
      "0001",
      "00",
      "3938", // 39 "98" timeout
      TID,
      MID,
      "313536",
      "0012 9F36020012 95050000000000", // 55: 12 bytes
      "0014 22000001000500", // 60 unchanged
      "3132333435363738",
    );
    expect(hex(pack(cupSpec, reversal))).toBe(expected);
  });
});

function headerOf(digits: string) {
  return {
    applicationType: digits.slice(0, 2),
    specVersion: digits.slice(2, 4),
    terminalStatus: Number(digits[4]),
    processingRequirement: Number(digits[5]),
    softwareVersion: digits.slice(6),
  };
}
