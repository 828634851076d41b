import fc from "fast-check";
import { expect } from "vitest";
import { TmsError } from "../../../../protocol/iso8583/tms/index.js";

/** Random bytes and every truncation of `valid`: the decoder returns or throws TmsError, nothing else. */
export function onlyTmsErrors(parse: (data: Buffer) => unknown, valid: Buffer, seed: number): void {
  const attempt = (data: Buffer) => {
    try {
      parse(data);
    } catch (error) {
      expect(error).toBeInstanceOf(TmsError);
    }
  };
  for (let n = 0; n < valid.length; n++) attempt(valid.subarray(0, n));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => attempt(Buffer.from(bytes))),
    { seed, numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), (at, byte) => {
      const copy = Buffer.from(valid);
      copy[at] = byte;
      attempt(copy);
    }),
    { seed: seed + 1, numRuns: 300 },
  );
}
