import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { upperHex } from "../../../../protocol/iso8583/encoding/hex-text.js";

describe("upperHex", () => {
  it("equals Buffer's hex text in uppercase, for short (table) and long (native) ranges", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const buf = Buffer.from(bytes);
        const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1));
        expect(upperHex(buf, start, end)).toBe(buf.toString("hex", start, end).toUpperCase());
      }),
      { seed: 16, numRuns: 500 },
    );
  });
});
