import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aesCbcEncrypt, tdesCbcEncrypt } from "../../../../protocol/crypto/cipher.js";
import { cmac } from "../../../../protocol/crypto/cmac.js";
import { CryptoError } from "../../../../protocol/crypto/crypto-error.js";
import { parseTr31Header } from "../../../../protocol/crypto/tr31/header.js";
import { encodeTr31Header, type Tr31HeaderFields } from "../../../../protocol/crypto/tr31/header-encode.js";
import { deriveTr31Keys } from "../../../../protocol/crypto/tr31/key-derivation.js";
import { Tr31Error } from "../../../../protocol/crypto/tr31/tr31-error.js";
import { unwrapTr31 } from "../../../../protocol/crypto/tr31/unwrap.js";
import { wrapTr31 } from "../../../../protocol/crypto/tr31/wrap.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";

const unwrapVectors = loadVectors<{ tr31_unwrap: { kbpk: string; key_block_text: string }[] }>(
  "crypto-public.json",
).tr31_unwrap;

/** Throws a Tr31Error (and nothing else); returns it for further checks. */
function tr31ErrorOf(fn: () => unknown): Tr31Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Tr31Error) return error;
    throw new Error(`expected Tr31Error, got ${String(error)}`);
  }
  throw new Error("expected Tr31Error, but the call returned");
}

/** An authentic block around an arbitrary clear payload, to reach the checks after the MAC. */
function forge(kbpk: Buffer, fields: Tr31HeaderFields, payload: Buffer): string {
  const d = fields.version === "D";
  const bs = d ? 16 : 8;
  const header = encodeTr31Header(fields, 2 * (payload.length + bs));
  const keys = deriveTr31Keys(fields.version, kbpk);
  const mac = cmac(d ? "aes" : "tdes", keys.kbak, Buffer.concat([Buffer.from(header), payload])).subarray(
    0,
    bs,
  );
  const enc = d ? aesCbcEncrypt(keys.kbek, payload, mac) : tdesCbcEncrypt(keys.kbek, payload, mac);
  return header + toHex(enc) + toHex(mac);
}

describe("TR-31 unwrap refuses tampered and malformed blocks with Tr31Error", () => {
  for (const v of unwrapVectors) {
    const kbpk = fromHex(v.kbpk);
    const block = v.key_block_text;

    it(`${block.slice(0, 5)}: every single-byte change fails (3 substitutions per position)`, () => {
      for (let i = 0; i < block.length; i++) {
        for (const mask of [0x01, 0x20, 0x7f]) {
          const bytes = Buffer.from(block, "latin1");
          bytes[i]! ^= mask;
          const error = tr31ErrorOf(() => unwrapTr31(kbpk, bytes));
          expect(error).toBeInstanceOf(CryptoError);
        }
      }
    });

    it(`${block.slice(0, 5)}: every truncation and any extension fails`, () => {
      for (let n = 0; n < block.length; n++) tr31ErrorOf(() => unwrapTr31(kbpk, block.slice(0, n)));
      expect(tr31ErrorOf(() => unwrapTr31(kbpk, `${block}00`)).path).toBe("length");
      expect(tr31ErrorOf(() => unwrapTr31(kbpk, `${block}0`)).path).toBe("length");
    });

    it(`${block.slice(0, 5)}: a wrong KBPK fails the MAC check`, () => {
      const wrong = Buffer.from(kbpk);
      wrong[0]! ^= 0x02; // not 0x01: DES ignores parity bits

      const error = tr31ErrorOf(() => unwrapTr31(wrong, block));
      expect(error.path).toBe("mac");
      expect(error.message).toMatch(/MAC verification failed/);
    });

    it(`${block.slice(0, 5)}: lowercase hex is refused (it would let a flip pass unnoticed)`, () => {
      const lower = block.slice(0, 16) + block.slice(16).toLowerCase();
      expect(tr31ErrorOf(() => unwrapTr31(kbpk, lower)).path).toBe("payload");
    });
  }

  it("names the field at fault", () => {
    const kbpk = fromHex(unwrapVectors[0]!.kbpk);
    const block = unwrapVectors[0]!.key_block_text; // B0080P0TE00E0000…
    const at = (text: string) => tr31ErrorOf(() => unwrapTr31(kbpk, text));
    expect(at(`X${block.slice(1)}`)).toMatchObject({ path: "version", offset: 0 });
    expect(at(`B00x0${block.slice(5)}`)).toMatchObject({ path: "length", offset: 1 });
    expect(at(`B0088${block.slice(5)}`)).toMatchObject({ path: "length", offset: 1 });
    expect(at(`${block.slice(0, 5)}p0${block.slice(7)}`)).toMatchObject({ path: "keyUsage", offset: 5 });
    expect(at(`${block.slice(0, 11)}Q${block.slice(12)}`)).toMatchObject({
      path: "exportability",
      offset: 11,
    });
    expect(at(`${block.slice(0, 12)}0x${block.slice(14)}`)).toMatchObject({ path: "optionalBlockCount" });
    expect(at(`${block.slice(0, 12)}01${block.slice(14)}`).path).toMatch(/^optionalBlocks\[0\]/);
    expect(at(`${block.slice(0, -1)}G`)).toMatchObject({ path: "mac", offset: block.length - 1 });
    expect(at(`${block.slice(0, 20)}\u0001${block.slice(21)}`)).toMatchObject({
      path: "keyBlock",
      offset: 20,
    });
    expect(at("B0016P0TE00E0000")).toMatchObject({ path: "payload" });
    expect(at(`A${block.slice(1)}`)).toMatchObject({ path: "version" });
    expect(at(`C${block.slice(1)}`)).toMatchObject({ path: "version" });
  });

  it("refuses a header that is not block-aligned and a KBPK of the wrong size", () => {
    const kbpk = fromHex(unwrapVectors[0]!.kbpk);
    // A 4-character optional block leaves a B header at 20 characters.
    const unaligned = `B0060P0TE00E0100KS04${"0".repeat(40)}`;
    expect(tr31ErrorOf(() => unwrapTr31(kbpk, unaligned)).path).toBe("optionalBlocks");
    expect(tr31ErrorOf(() => unwrapTr31(Buffer.alloc(32), unwrapVectors[0]!.key_block_text)).path).toBe(
      "kbpk",
    );
  });

  describe("checks after a valid MAC: key length and padding", () => {
    const kbpk = fromHex("DD7515F2BFC17F85CE48F3CA25CB21F6");
    const fields: Tr31HeaderFields = { version: "B", keyUsage: "P0", algorithm: "T", modeOfUse: "E" };
    const payload = (bits: number, total: number) => {
      const p = Buffer.alloc(total, 0x5a);
      p.writeUInt16BE(bits, 0);
      return p;
    };

    it("accepts a forged-but-authentic well-formed block (the forge helper is sound)", () => {
      expect(unwrapTr31(kbpk, forge(kbpk, fields, payload(128, 24))).key).toHaveLength(16);
    });
    it("key length longer than the payload", () => {
      expect(tr31ErrorOf(() => unwrapTr31(kbpk, forge(kbpk, fields, payload(256, 24)))).path).toBe(
        "keyLength",
      );
    });
    it("key length not a whole number of bytes, or zero", () => {
      expect(tr31ErrorOf(() => unwrapTr31(kbpk, forge(kbpk, fields, payload(127, 24)))).path).toBe(
        "keyLength",
      );
      expect(tr31ErrorOf(() => unwrapTr31(kbpk, forge(kbpk, fields, payload(0, 24)))).path).toBe("keyLength");
    });
    it("key length that does not fit the algorithm", () => {
      expect(tr31ErrorOf(() => unwrapTr31(kbpk, forge(kbpk, fields, payload(64, 16)))).path).toBe(
        "keyLength",
      );
      const aes = { ...fields, algorithm: "A" };
      expect(tr31ErrorOf(() => unwrapTr31(kbpk, forge(kbpk, aes, payload(64, 16)))).path).toBe("keyLength");
    });
    it("padding longer than block alignment or key-length masking explains", () => {
      expect(tr31ErrorOf(() => unwrapTr31(kbpk, forge(kbpk, fields, payload(128, 48)))).path).toBe("padding");
      // A 16-byte key masked as a 24-byte one (payload 32) is allowed.
      expect(unwrapTr31(kbpk, forge(kbpk, fields, payload(128, 32))).key).toHaveLength(16);
    });
  });
});

describe("TR-31 decoders never throw anything but Tr31Error on random input", () => {
  const kbpkB = fromHex("DD7515F2BFC17F85CE48F3CA25CB21F6");
  const kbpkD = fromHex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6");
  const header = fc.constantFrom(
    "B0080P0TE00E0000",
    "D0112P0AE00E0000",
    "B0040P0TE00N0100KS1800604B120F9",
    "D0048",
  );

  it("random bytes and header-prefixed random text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
          fc.tuple(header, fc.string({ maxLength: 150 })).map(([h, s]) => h + s),
          fc.tuple(header, fc.stringMatching(/^[0-9A-F]{0,160}$/)).map(([h, s]) => h + s),
        ),
        (input) => {
          for (const kbpk of [kbpkB, kbpkD]) {
            try {
              unwrapTr31(kbpk, input);
            } catch (error) {
              if (!(error instanceof Tr31Error)) throw error;
            }
          }
          try {
            parseTr31Header(input);
          } catch (error) {
            if (!(error instanceof Tr31Error)) throw error;
          }
        },
      ),
      { seed: 0x7231, numRuns: 1500 },
    );
  });
});

describe("TR-31 wrap input checks", () => {
  const kbpk = fromHex("DD7515F2BFC17F85CE48F3CA25CB21F6");
  const key = Buffer.alloc(16, 0x11);
  const fields: Tr31HeaderFields = { version: "B", keyUsage: "P0", algorithm: "T", modeOfUse: "E" };

  it("refuses versions other than B and D, bad fields, key lengths and KBPKs", () => {
    expect(tr31ErrorOf(() => wrapTr31(kbpk, { ...fields, version: "A" }, key)).path).toBe("version");
    expect(tr31ErrorOf(() => wrapTr31(kbpk, { ...fields, keyUsage: "p0" }, key)).path).toBe("keyUsage");
    expect(tr31ErrorOf(() => wrapTr31(kbpk, { ...fields, exportability: "X" }, key)).path).toBe(
      "exportability",
    );
    expect(tr31ErrorOf(() => wrapTr31(kbpk, fields, Buffer.alloc(8))).path).toBe("keyLength");
    expect(tr31ErrorOf(() => wrapTr31(Buffer.alloc(8), fields, key)).path).toBe("kbpk");
    expect(tr31ErrorOf(() => wrapTr31(kbpk, { ...fields, version: "D", algorithm: "D" }, key)).path).toBe(
      "keyLength",
    );
    expect(
      tr31ErrorOf(() => wrapTr31(kbpk, { ...fields, optionalBlocks: [{ id: "K!", value: "" }] }, key)).path,
    ).toBe("optionalBlocks[0].id");
    expect(tr31ErrorOf(() => wrapTr31(kbpk, fields, key, { random: () => Buffer.alloc(1) })).path).toBe(
      "random",
    );
  });

  it("does not modify the caller's key or KBPK", () => {
    const k = Buffer.from(key);
    const p = Buffer.from(kbpk);
    unwrapTr31(p, wrapTr31(p, fields, k));
    expect(k.equals(key) && p.equals(kbpk)).toBe(true);
  });
});
