import { describe, expect, it } from "vitest";
import { parseTr31Header } from "../../../../protocol/crypto/tr31/header.js";
import { encodeTr31Header } from "../../../../protocol/crypto/tr31/header-encode.js";
import { deriveTr31Keys } from "../../../../protocol/crypto/tr31/key-derivation.js";
import { unwrapTr31 } from "../../../../protocol/crypto/tr31/unwrap.js";
import { wrapTr31 } from "../../../../protocol/crypto/tr31/wrap.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";

interface DerivationVector {
  name: string;
  method: string;
  kbpk: string;
  expected_kbek: string;
  expected_kbak: string;
}
interface UnwrapVector {
  name: string;
  kbpk: string;
  key_block_text: string;
  key_block_ascii_hex: string;
  expected_header_text: string;
  expected_key: string;
  researcher_computed: { clear_payload_with_pad: string; kbek: string; kbak: string };
}
interface HeaderVector {
  name: string;
  input_text: string;
  expected_header_length: number;
  expected_opt_block_KS?: string;
  expected_opt_block_KS_text?: string;
  expected_rendered_header_text?: string;
}

const all = loadVectors<{
  tr31_key_derivation: DerivationVector[];
  tr31_unwrap: UnwrapVector[];
  tr31_header_parse: HeaderVector[];
}>("crypto-public.json");

describe("TR-31 key derivation (openemv/tr31 tr31_crypto_test.c)", () => {
  it("has vectors", () => expect(all.tr31_key_derivation.length).toBeGreaterThanOrEqual(7));
  for (const v of all.tr31_key_derivation) {
    it(v.name, () => {
      const version = v.method.startsWith("variant") ? "A" : v.method.startsWith("binding B") ? "B" : "D";
      const keys = deriveTr31Keys(version, fromHex(v.kbpk));
      expect(toHex(keys.kbek)).toBe(v.expected_kbek);
      expect(toHex(keys.kbak)).toBe(v.expected_kbak);
      if (version === "A") {
        const c = deriveTr31Keys("C", fromHex(v.kbpk));
        expect(toHex(c.kbek)).toBe(v.expected_kbek);
      }
    });
  }
});

describe("TR-31 unwrap and deterministic re-wrap (TR-31:2018 A.7.2.2, A.7.4)", () => {
  it("has vectors", () => expect(all.tr31_unwrap.length).toBeGreaterThanOrEqual(2));
  for (const v of all.tr31_unwrap) {
    describe(v.name, () => {
      const kbpk = fromHex(v.kbpk);

      it("unwraps to the expected key and header (string and ASCII Buffer input)", () => {
        const { header, key } = unwrapTr31(kbpk, v.key_block_text);
        expect(toHex(key)).toBe(v.expected_key);
        expect(v.key_block_text.slice(0, header.headerLength)).toBe(v.expected_header_text);
        expect(header.blockLength).toBe(v.key_block_text.length);
        expect(toHex(unwrapTr31(kbpk, fromHex(v.key_block_ascii_hex)).key)).toBe(v.expected_key);
      });

      it("derives the KBEK/KBAK the researcher recorded", () => {
        const keys = deriveTr31Keys(v.key_block_text[0] as "B" | "D", kbpk);
        expect(toHex(keys.kbek)).toBe(v.researcher_computed.kbek);
        expect(toHex(keys.kbak)).toBe(v.researcher_computed.kbak);
      });

      it("re-wraps byte for byte with the recorded padding injected", () => {
        const { header, key } = unwrapTr31(kbpk, v.key_block_text);
        const clear = fromHex(v.researcher_computed.clear_payload_with_pad);
        const pad = clear.subarray(2 + key.length);
        const block = wrapTr31(kbpk, header, key, {
          random: (n) => {
            expect(n).toBe(pad.length);
            return Buffer.from(pad);
          },
        });
        expect(block).toBe(v.key_block_text);
      });
    });
  }
});

describe("TR-31 header parsing and rendering (psec test_tr31.py)", () => {
  it("has vectors", () => expect(all.tr31_header_parse.length).toBeGreaterThanOrEqual(3));
  for (const v of all.tr31_header_parse) {
    it(v.name, () => {
      const header = parseTr31Header(v.input_text);
      expect(header.headerLength).toBe(v.expected_header_length);
      const ks = header.optionalBlocks.find((b) => b.id === "KS");
      expect(ks?.value).toBe(v.expected_opt_block_KS ?? v.expected_opt_block_KS_text);
      expect(header.optionalBlockCount).toBe(header.optionalBlocks.length);
      if (v.expected_rendered_header_text !== undefined) {
        expect(encodeTr31Header(header)).toBe(v.expected_rendered_header_text);
      } else {
        // Extended-length case: rendering reproduces the input header, PB block included.
        expect(encodeTr31Header(header)).toBe(`B0288${v.input_text.slice(5, header.headerLength)}`);
      }
    });
  }

  it("returns every field typed", () => {
    const header = parseTr31Header("D0112P0AE00E0000B82679114F470F540165EDFBF7E250FC");
    expect(header).toEqual({
      version: "D",
      blockLength: 112,
      keyUsage: "P0",
      algorithm: "A",
      modeOfUse: "E",
      keyVersionNumber: "00",
      exportability: "E",
      optionalBlockCount: 0,
      reserved: "00",
      optionalBlocks: [],
      headerLength: 16,
    });
  });

  it("parses version A and C headers", () => {
    expect(parseTr31Header("A0072P0TE00E0000").version).toBe("A");
    expect(parseTr31Header("C0072M3TC00N0000").keyUsage).toBe("M3");
  });
});
