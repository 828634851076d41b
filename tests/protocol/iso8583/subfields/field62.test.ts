import { describe, expect, it } from "vitest";
import {
  buildField62,
  parseField62,
  signInLayoutForLength,
} from "../../../../protocol/iso8583/subfields/field62.js";

const seq = (n: number, from = 1) => Buffer.from(Array.from({ length: n }, (_, i) => (from + i) & 0xff));

describe("field 62 sign-in keys", () => {
  it("picks the layout by length: 24 → 001, 40 → 003, 60 → 004", () => {
    expect(signInLayoutForLength(24)).toBe("001");
    expect(signInLayoutForLength(40)).toBe("003");
    expect(signInLayoutForLength(60)).toBe("004");
    expect(signInLayoutForLength(25)).toBeUndefined();
  });

  it("003: PIK 16 + KCV 4, MAK 8 + filler 8 + KCV 4", () => {
    const data = seq(40);
    const keys = parseField62(data);
    expect(keys.layout).toBe("003");
    if (keys.layout !== "003") return;
    expect(keys.pik).toEqual(seq(16, 1));
    expect(keys.pikKcv).toEqual(seq(4, 17));
    expect(keys.mak).toEqual(seq(8, 21));
    expect(keys.makFiller).toEqual(seq(8, 29));
    expect(keys.makKcv).toEqual(seq(4, 37));
    expect(buildField62(keys)).toEqual(data);
  });

  it("001 and 004 round-trip; anything else stays raw", () => {
    for (const n of [24, 60, 25, 0]) {
      const data = seq(n);
      const parsed = parseField62(data);
      expect(parsed.layout).toBe(n === 24 ? "001" : n === 60 ? "004" : "raw");
      expect(buildField62(parsed)).toEqual(data);
    }
  });

  it("refuses a key of the wrong size", () => {
    const keys = parseField62(seq(24));
    if (keys.layout === "raw") throw new Error("unexpected");
    expect(() => buildField62({ ...keys, mak: seq(7) })).toThrow(/field 62.mak: must be 8 bytes/);
  });
});
