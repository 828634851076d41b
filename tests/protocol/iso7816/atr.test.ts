import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../../protocol/hex.js";
import { AtrError, buildAtr, parseAtr } from "../../../protocol/iso7816/index.js";

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ""), "hex");

describe("parseAtr: vectors from openemv/emv-utils tests", () => {
  it("T=0 3B 60 00 00: TB1 TC1, no TCK", () => {
    const atr = parseAtr(hex("3B600000"));
    expect(atr.convention).toBe("direct");
    expect(atr.protocols).toEqual([0]);
    expect(atr.interfaceBytes).toEqual([{ tb: 0, tc: 0 }]);
    expect(atr.tck).toBeUndefined();
    expect(atr.historical.length).toBe(0);
    expect([atr.fi, atr.di, atr.wi, atr.extraGuardTime]).toEqual([372, 1, 10, 0]);
  });

  it("T=1 3B E0 00 FF 81 31 7C 41 92: TD chain, IFSC/BWI/CWI, TCK 92", () => {
    const atr = parseAtr(hex("3BE000FF81317C4192"));
    expect(atr.protocols).toEqual([1]);
    expect(atr.defaultProtocol).toBe(1);
    expect(atr.extraGuardTime).toBe(0xff);
    expect(atr.t1).toEqual({ ifsc: 0x7c, bwi: 4, cwi: 1, edc: "lrc" });
    expect(atr.tck).toBe(0x92);
  });

  it("historical bytes, TA1, inverse convention", () => {
    const atr = parseAtr(hex("3F12 95 0102"));
    expect(atr.convention).toBe("inverse");
    expect(atr.fi).toBe(512);
    expect(atr.di).toBe(16);
    expect(toHex(atr.historical)).toBe("0102");
  });

  it("errors name the byte: TS, truncated TD chain, historical count, TCK, trailing bytes", () => {
    expect(() => parseAtr(hex("3A6000"))).toThrow(/TS/);
    expect(() => parseAtr(hex("3B8081"))).toThrow(/TD2|ends early/);
    expect(() => parseAtr(hex("3B63 0000 41"))).toThrow(/historical/);
    expect(() => parseAtr(hex("3BE000FF81317C4193"))).toThrow(/TCK/);
    expect(() => parseAtr(hex("3B60000000"))).toThrow(/unexpected/);
    expect(() => parseAtr(Buffer.alloc(34, 0x3b))).toThrow(AtrError);
  });
});

describe("buildAtr ↔ parseAtr", () => {
  it("rebuilds the reference vectors", () => {
    expect(toHex(buildAtr({ groups: [{ tb: 0, tc: 0 }] }))).toBe("3B600000");
    expect(
      toHex(
        buildAtr({ groups: [{ tb: 0, tc: 0xff, protocol: 1 }, { protocol: 1 }, { ta: 0x7c, tb: 0x41 }] }),
      ),
    ).toBe("3BE000FF81317C4192");
  });

  const groupArb = fc.record(
    {
      ta: fc.integer({ min: 0, max: 255 }),
      tb: fc.integer({ min: 0, max: 255 }),
      tc: fc.integer({ min: 0, max: 255 }),
    },
    { requiredKeys: [] },
  );

  it("property: parse(build(spec)) gives back groups, protocols and historical bytes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(groupArb, fc.constantFrom(0, 1, 15)), { maxLength: 4 }),
        groupArb,
        fc.uint8Array({ maxLength: 8 }),
        (chained, last, historical) => {
          const groups = [...chained.map(([g, protocol]) => ({ ...g, protocol })), last];
          const raw = buildAtr({ groups, historical });
          fc.pre(raw.length <= 33);
          const atr = parseAtr(raw);
          expect(toHex(atr.historical)).toBe(toHex(Buffer.from(historical)));
          expect(atr.interfaceBytes.length).toBe(groups.length);
          const offered = [...new Set(chained.map(([, p]) => p))];
          expect(atr.protocols).toEqual(offered.length ? offered : [0]);
          expect(atr.tck !== undefined).toBe(offered.some((p) => p !== 0));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("fuzz: random and truncated ATRs throw only AtrError", () => {
    const good = hex("3BE000FF81317C4192");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 36 }), fc.integer({ min: 0, max: 9 }), (bytes, cut) => {
        for (const input of [Buffer.concat([Buffer.from([0x3b]), bytes]), bytes, good.subarray(0, cut)]) {
          try {
            parseAtr(input);
          } catch (error) {
            expect(error).toBeInstanceOf(AtrError);
          }
        }
      }),
      { seed: 99, numRuns: 1000 },
    );
  });
});
