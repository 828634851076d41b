import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../protocol/hex.js";
import {
  buildDolData,
  dolDataLength,
  encodeDol,
  encodeTlv,
  fitValue,
  parseDol,
  TlvError,
} from "../../../protocol/tlv/index.js";
import { loadVectors } from "../../support/vectors.js";
import { tagArb } from "./arbitraries.js";

interface ApduVector {
  name: string;
  apdus: { c: string; r: string | null }[];
}
const vectors = loadVectors<ApduVector[]>("emv-public.json");
const gpo = vectors.find((v) => v.name === "unionpay-qpboc-gpo-commands")!;
const select = vectors.find((v) => v.name === "unionpay-qpboc-ppse-select-blog")!;

/** The qPBOC PDOL as the card sends it in its FCI (tag 9F38 of the SELECT answer). */
const QPBOC_PDOL = "9F66049F02069F03069F1A0295055F2A029A039C019F3704";

const map = (entries: Record<string, string>) =>
  new Map(Object.entries(entries).map(([tag, hex]) => [tag, fromHex(hex)]));

describe("parseDol", () => {
  it("reads the qPBOC PDOL into tag + length pairs", () => {
    expect(select.apdus[1]!.r).toContain(`9F3818${QPBOC_PDOL}`);
    const dol = parseDol(fromHex(QPBOC_PDOL));
    expect(dol.map((e) => `${e.tag}:${e.length}`).join(" ")).toBe(
      "9F66:4 9F02:6 9F03:6 9F1A:2 95:5 5F2A:2 9A:3 9C:1 9F37:4",
    );
    expect(dolDataLength(dol)).toBe(0x21);
    expect(toHex(encodeDol(dol))).toBe(QPBOC_PDOL);
  });

  it("reads a typical CDOL1 with three-byte-free two-byte tags", () => {
    const dol = parseDol(fromHex("9F02069F03069F1A0295055F2A029A039C019F37049F35019F45029F4C089F3403"));
    expect(dol).toHaveLength(12);
    expect(dolDataLength(dol)).toBe(6 + 6 + 2 + 5 + 2 + 3 + 1 + 4 + 1 + 2 + 8 + 3);
  });

  it("rejects a DOL cut inside a tag or before a length, naming the offset", () => {
    expect(() => parseDol(fromHex("9F6604 9F"))).toThrow(/^tag, offset 3: tag runs past the end/);
    expect(() => parseDol(fromHex("9F6604 9F02"))).toThrow(/^dol tag 9F02, offset 5: length missing/);
    expect(() => parseDol(fromHex("9F660400"))).toThrow(TlvError);
    expect(() => parseDol(fromHex("9F6680"), { baseOffset: 7 })).toThrow(/offset 9: indefinite/);
  });

  it("parse(encode(dol)) = dol; random bytes only throw TlvError", () => {
    const entry = fc.record({ tag: tagArb(), length: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (dol) => {
        expect(parseDol(encodeDol(dol))).toEqual(dol);
      }),
      { seed: 0x9f38, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          parseDol(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(TlvError);
        }
      }),
      { seed: 0x8c, numRuns: 3000 },
    );
  });
});

describe("buildDolData: the qPBOC GPO vectors byte for byte", () => {
  const terminal = (amount: string, date: string, un: string) =>
    map({
      "9F66": "26800080",
      "9F02": amount,
      "9F03": "000000000000",
      "9F1A": "0458",
      "95": "0000000000",
      "5F2A": "0458",
      "9A": date,
      "9C": "00",
      "9F37": un,
    });
  const cases = [
    terminal("000000000200", "250503", "82888929"),
    terminal("000000000150", "250504", "9747A22D"),
  ];

  gpo.apdus.forEach((apdu, i) => {
    it(`GPO command ${i + 1}`, () => {
      const data = buildDolData(parseDol(fromHex(QPBOC_PDOL)), cases[i]!);
      const field = encodeTlv([{ tag: "83", value: data }]);
      const command = Buffer.concat([fromHex("80A80000"), Buffer.of(field.length), field, Buffer.of(0)]);
      expect(toHex(command)).toBe(apdu.c);
    });
  });
});

describe("buildDolData: EMV Book 3 §5.4 rules", () => {
  const build = (dol: string, source: Record<string, string>) =>
    toHex(buildDolData(parseDol(fromHex(dol)), map(source)));

  it("numeric (n) longer: keeps the rightmost bytes", () => {
    expect(build("9F0206", { "9F02": "0000000000001234" })).toBe("000000001234");
  });
  it("numeric (n) shorter: left-pads with 00", () => {
    expect(build("9F0206", { "9F02": "1234" })).toBe("000000001234");
    expect(build("9A03", { "9A": "" })).toBe("000000");
  });
  it("compressed numeric (cn) shorter: right-pads with FF", () => {
    expect(build("5A0A", { "5A": "6228480402564890018F" })).toBe("6228480402564890018F");
    expect(build("5A0C", { "5A": "6228480402564890" })).toBe("6228480402564890FFFFFFFF");
  });
  it("cn longer: keeps the leftmost bytes", () => {
    expect(build("5A04", { "5A": "6228480402564890" })).toBe("62284804");
  });
  it("binary (b) longer keeps the leftmost, shorter right-pads 00", () => {
    expect(build("9F3702", { "9F37": "AABBCCDD" })).toBe("AABB");
    expect(build("9F3706", { "9F37": "AABBCCDD" })).toBe("AABBCCDD0000");
  });
  it("an / ans right-pad with 00 and truncate on the right", () => {
    expect(build("9F1E0A", { "9F1E": "3132333435363738" })).toBe("31323334353637380000");
    expect(build("9F1E04", { "9F1E": "3132333435363738" })).toBe("31323334");
    expect(build("5003", { "50": "50424F43" })).toBe("50424F");
  });
  it("absent tag: zeros of the requested length", () => {
    expect(build("9F6604 9F4E05 9F3701", { "9F37": "77" })).toBe("00000000" + "0000000000" + "77");
  });
  it("constructed tag: zeros even when the source holds a value", () => {
    expect(build("7003 9F3701", { "70": "AABBCC", "9F37": "77" })).toBe("000000" + "77");
  });
  it("zero-length requests contribute nothing", () => {
    expect(build("9F3700 9C01", { "9F37": "AA", "9C": "00" })).toBe("00");
  });
  it("tags outside the dictionary count as binary unless formatOf says otherwise", () => {
    const dol = parseDol(fromHex("DF7F04"));
    const source = map({ DF7F: "1234" });
    expect(toHex(buildDolData(dol, source))).toBe("12340000");
    expect(toHex(buildDolData(dol, source, { formatOf: () => "n" }))).toBe("00001234");
  });
  it("accepts a lookup function and lowercase DOL tags", () => {
    const seen: string[] = [];
    const data = buildDolData([{ tag: "9f37", length: 2 }], (tag) => {
      seen.push(tag);
      return fromHex("ABCD");
    });
    expect(toHex(data)).toBe("ABCD");
    expect(seen).toEqual(["9F37"]);
  });

  it("property: output length = sum of lengths; each slot obeys the justification rule", () => {
    const format = fc.constantFrom("b" as const, "n" as const, "cn" as const, "an" as const, "ans" as const);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 20 }),
        fc.integer({ min: 0, max: 20 }),
        format,
        (raw, length, f) => {
          const value = Buffer.from(raw);
          const out = fitValue(value, length, f);
          expect(out.length).toBe(length);
          const keep = Math.min(length, value.length);
          if (f === "n") {
            expect(out.subarray(length - keep).equals(value.subarray(value.length - keep))).toBe(true);
            expect(out.subarray(0, length - keep).every((x) => x === 0)).toBe(true);
          } else {
            expect(out.subarray(0, keep).equals(value.subarray(0, keep))).toBe(true);
            const pad = f === "cn" ? 0xff : 0x00;
            expect(out.subarray(keep).every((x) => x === pad)).toBe(true);
          }
        },
      ),
      { seed: 534, numRuns: 1000 },
    );
  });
});
