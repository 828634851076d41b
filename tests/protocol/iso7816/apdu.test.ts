import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../../protocol/hex.js";
import {
  ApduError,
  apduCase,
  buildApdu,
  parseCommandApdu,
  splitResponse,
  swHex,
  swMeaning,
} from "../../../protocol/iso7816/index.js";

describe("APDU helpers (ISO 7816-4 cases 1-4)", () => {
  it("builds the four cases", () => {
    expect(toHex(buildApdu({ cla: 0, ins: 0xa4, p1: 4, p2: 0 }))).toBe("00A40400");
    expect(toHex(buildApdu({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 }))).toBe("0084000008");
    expect(toHex(buildApdu({ cla: 0, ins: 0xb2, p1: 1, p2: 0x0c, le: 256 }))).toBe("00B2010C00");
    const pse = Buffer.from("1PAY.SYS.DDF01");
    expect(toHex(buildApdu({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: pse }))).toBe(`00A404000E${toHex(pse)}`);
    expect(toHex(buildApdu({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: pse, le: 256 }))).toBe(
      `00A404000E${toHex(pse)}00`,
    );
    expect(apduCase({ cla: 0, ins: 0, p1: 0, p2: 0, data: pse, le: 1 })).toBe(4);
  });

  it("refuses what a short APDU cannot carry", () => {
    expect(() => buildApdu({ cla: 0, ins: 0, p1: 0, p2: 0, data: Buffer.alloc(256) })).toThrow(/Lc/);
    expect(() => buildApdu({ cla: 0, ins: 0, p1: 0, p2: 0, le: 0 })).toThrow(/Le/);
    expect(() => buildApdu({ cla: 256, ins: 0, p1: 0, p2: 0 })).toThrow(/CLA/);
    expect(() => parseCommandApdu(Buffer.from("00A4040002AA", "hex"))).toThrow(/Lc 2/);
    expect(() => parseCommandApdu(Buffer.from("00A40400000001", "hex"))).toThrow(/extended/);
  });

  it("splits responses and explains status words", () => {
    expect(splitResponse(Buffer.from("6F009000", "hex"))).toEqual({
      data: Buffer.from("6F00", "hex"),
      sw: 0x9000,
    });
    expect(() => splitResponse(Buffer.from([0x90]))).toThrow(ApduError);
    expect(swMeaning(0x9000)).toBe("success");
    expect(swMeaning(0x6a82)).toMatch(/not found/);
    expect(swMeaning(0x6985)).toMatch(/conditions/);
    expect(swMeaning(0x6d00)).toMatch(/instruction/);
    expect(swMeaning(0x6e00)).toMatch(/class/);
    expect(swMeaning(0x6110)).toMatch(/16 more/);
    expect(swMeaning(0x6c20)).toMatch(/Le = 32/);
    expect(swMeaning(0x63c2)).toMatch(/2 tries/);
    expect(swHex(0x6a82)).toBe("6A82");
  });

  it("property: parse(build(apdu)) is the identity", () => {
    const arb = fc.record(
      {
        cla: fc.integer({ min: 0, max: 255 }),
        ins: fc.integer({ min: 0, max: 255 }),
        p1: fc.integer({ min: 0, max: 255 }),
        p2: fc.integer({ min: 0, max: 255 }),
        data: fc.uint8Array({ minLength: 1, maxLength: 255 }),
        le: fc.integer({ min: 1, max: 256 }),
      },
      { requiredKeys: ["cla", "ins", "p1", "p2"] },
    );
    fc.assert(
      fc.property(arb, (apdu) => {
        const parsed = parseCommandApdu(buildApdu(apdu));
        expect(parsed.case).toBe(apduCase(apdu));
        expect(toHex(buildApdu(parsed))).toBe(toHex(buildApdu(apdu)));
      }),
      { seed: 4, numRuns: 300 },
    );
  });

  it("fuzz: random commands throw only ApduError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseCommandApdu(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ApduError);
        }
      }),
      { seed: 5, numRuns: 500 },
    );
  });
});
