import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTr31Header } from "../../../../protocol/crypto/tr31/header.js";
import type { Tr31HeaderFields } from "../../../../protocol/crypto/tr31/header-encode.js";
import { Tr31Error } from "../../../../protocol/crypto/tr31/tr31-error.js";
import { unwrapTr31 } from "../../../../protocol/crypto/tr31/unwrap.js";
import { wrapTr31 } from "../../../../protocol/crypto/tr31/wrap.js";

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".split("");
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

const optionalBlock = fc.record({
  id: fc
    .tuple(fc.constantFrom(...alnum), fc.constantFrom(...alnum))
    .map(([a, b]) => a + b)
    .filter((id) => id !== "PB"),
  value: fc.oneof(
    fc.array(printable, { maxLength: 40 }).map((a) => a.join("")),
    fc.array(printable, { minLength: 250, maxLength: 300 }).map((a) => a.join("")), // extended length
  ),
});

/** Algorithm and a key length it allows. */
const algorithmAndKey = fc.oneof(
  fc.record({ algorithm: fc.constant("T"), length: fc.constantFrom(16, 24) }),
  fc.record({ algorithm: fc.constant("D"), length: fc.constant(8) }),
  fc.record({ algorithm: fc.constant("A"), length: fc.constantFrom(16, 24, 32) }),
  fc.record({ algorithm: fc.constant("H"), length: fc.integer({ min: 1, max: 64 }) }),
);

const blockCase = fc
  .record({
    version: fc.constantFrom("B" as const, "D" as const),
    kbpkLength: fc.constantFrom(0, 1, 2),
    alg: algorithmAndKey,
    keyUsage: fc.constantFrom("P0", "M3", "K0", "B1", "D0", "M6", "K1"),
    modeOfUse: fc.constantFrom("E", "D", "B", "C", "G", "V", "N", "X"),
    keyVersionNumber: fc.constantFrom("00", "01", "c1", "AZ"),
    exportability: fc.constantFrom("E", "N", "S"),
    optionalBlocks: fc.array(optionalBlock, { maxLength: 3 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map((c) => {
    const kbpkLength = (c.version === "B" ? [16, 24, 24] : [16, 24, 32])[c.kbpkLength]!;
    const bytes = (n: number, salt: number) =>
      Buffer.from(Array.from({ length: n }, (_, i) => (c.seed * 31 + i * 97 + salt) & 0xff));
    const fields: Tr31HeaderFields = {
      version: c.version,
      keyUsage: c.keyUsage,
      algorithm: c.alg.algorithm,
      modeOfUse: c.modeOfUse,
      keyVersionNumber: c.keyVersionNumber,
      exportability: c.exportability,
      optionalBlocks: c.optionalBlocks,
    };
    return {
      fields,
      kbpk: bytes(kbpkLength, 1),
      key: bytes(c.alg.length, 7),
      pad: (n: number) => bytes(n, 13),
    };
  });

describe("TR-31 wrap → unwrap", () => {
  it("is the identity over random keys and headers (seeded)", () => {
    fc.assert(
      fc.property(blockCase, ({ fields, kbpk, key, pad }) => {
        const block = wrapTr31(kbpk, fields, key, { random: pad });
        const { header, key: out } = unwrapTr31(kbpk, block);
        expect(out.equals(key)).toBe(true);
        expect(header.blockLength).toBe(block.length);
        expect(header).toMatchObject({
          version: fields.version,
          keyUsage: fields.keyUsage,
          algorithm: fields.algorithm,
          modeOfUse: fields.modeOfUse,
          keyVersionNumber: fields.keyVersionNumber,
          exportability: fields.exportability,
        });
        const blocks = header.optionalBlocks.filter((b) => b.id !== "PB");
        expect(blocks).toEqual(fields.optionalBlocks);
        expect(header.headerLength % (fields.version === "D" ? 16 : 8)).toBe(0);
        expect(header.optionalBlockCount).toBe(header.optionalBlocks.length);
      }),
      { seed: 0x3143, numRuns: 150 },
    );
  });

  it("any single-byte change of a wrapped block makes unwrap throw Tr31Error, never return a key", () => {
    fc.assert(
      fc.property(
        blockCase,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        ({ fields, kbpk, key, pad }, at, mask) => {
          const block = Buffer.from(wrapTr31(kbpk, fields, key, { random: pad }), "latin1");
          block[at % block.length]! ^= mask;
          expect(() => unwrapTr31(kbpk, block)).toThrow(Tr31Error);
        },
      ),
      { seed: 0x7e57, numRuns: 300 },
    );
  });

  it("defaults to random padding: two wraps of one key differ but both unwrap", () => {
    const kbpk = randomBytes(32);
    const key = randomBytes(16);
    const fields: Tr31HeaderFields = { version: "D", keyUsage: "D0", algorithm: "A", modeOfUse: "B" };
    const a = wrapTr31(kbpk, fields, key);
    const b = wrapTr31(kbpk, fields, key);
    expect(a).not.toBe(b);
    expect(unwrapTr31(kbpk, a).key.equals(key) && unwrapTr31(kbpk, b).key.equals(key)).toBe(true);
    expect(parseTr31Header(a).blockLength).toBe(a.length);
  });
});
