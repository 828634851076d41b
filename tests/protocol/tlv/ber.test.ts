import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../protocol/hex.js";
import {
  decodeTlv,
  encodeLength,
  encodeTlv,
  parseTag,
  TlvError,
  type TlvNode,
} from "../../../protocol/tlv/index.js";
import { loadVectors } from "../../support/vectors.js";
import { shape, tlvTreeArb } from "./arbitraries.js";

interface EmvVector {
  name: string;
  kind: string;
  tlv?: string;
  apdus?: { c: string; r: string | null }[];
  expect?: Record<string, unknown>;
}
const vectors = loadVectors<EmvVector[]>("emv-public.json");
const byName = (name: string): EmvVector => vectors.find((v) => v.name === name)!;

/** Every BER-TLV blob in the public vectors: "tlv" fields and successful R-APDU bodies (status word cut). */
const blobs: { name: string; hex: string }[] = [
  ...vectors.filter((v) => v.tlv).map((v) => ({ name: v.name, hex: v.tlv! })),
  ...vectors.flatMap((v) =>
    (v.apdus ?? [])
      .filter((a) => a.r && a.r.length > 4 && a.r.endsWith("9000"))
      .map((a, i) => ({ name: `${v.name} R-APDU ${i}`, hex: a.r!.slice(0, -4) })),
  ),
];

const tags = (nodes: TlvNode[]) => nodes.map((n) => n.tag);

describe("decodeTlv on the public vectors", () => {
  it("has vectors to run", () => expect(blobs.length).toBeGreaterThan(15));

  for (const { name, hex } of blobs) {
    it(`${name}: decodes to the last byte and re-encodes byte for byte`, () => {
      const bytes = fromHex(hex);
      const nodes = decodeTlv(bytes);
      expect(toHex(encodeTlv(nodes))).toBe(hex.toUpperCase());
    });
  }

  it("UnionPay field 55 (AED card): tags in order, 22-byte 9F10, values exact", () => {
    const nodes = decodeTlv(fromHex(byName("unionpay-field55-base64-aed").tlv!));
    expect(tags(nodes)).toEqual(
      "82 84 95 9A 9C 5F2A 5F34 9F02 9F03 9F09 9F10 9F1A 9F1E 9F26 9F27 9F33 9F35 9F36 9F37".split(" "),
    );
    const get = (tag: string) => toHex(nodes.find((n) => n.tag === tag)!.value);
    expect(get("9F26")).toBe("4F6B8D40197BE753");
    expect(get("9F10")).toHaveLength(44);
    expect(get("5F2A")).toBe("0784");
    expect(nodes.every((n) => n.children === undefined)).toBe(true);
  });

  it("EMVCo CPM QR sample: nested 61/62/64 templates match the expected tree", () => {
    const v = byName("emvco-cpm-qr-spec-sample");
    const nodes = decodeTlv(fromHex(v.tlv!));
    expect(tags(nodes)).toEqual(["85", "61", "61", "62"]);
    expect(nodes[0]!.value.toString("latin1")).toBe("CPV01");
    expect(
      nodes[1]!.children!.map((c) => [c.tag, c.tag === "50" ? c.value.toString() : toHex(c.value)]),
    ).toEqual([
      ["4F", "A0000000555555"],
      ["50", "Product1"],
    ]);
    const common = nodes[3]!;
    expect(tags(common.children!)).toEqual(["5A", "5F20", "5F2D", "64"]);
    const inner = common.children![3]!;
    expect(Object.fromEntries(inner.children!.map((c) => [c.tag, toHex(c.value)]))).toEqual(
      (v.expect!["62"] as Record<string, unknown>)["64"],
    );
    expect(toHex(common.value)).toBe(toHex(encodeTlv(common.children!)));
  });

  it("qPBOC SELECT answer: 6F > A5 > BF0C > 61 with the PDOL inside A5", () => {
    const r = byName("unionpay-qpboc-ppse-select-blog").apdus![1]!.r!;
    const [fci] = decodeTlv(fromHex(r.slice(0, -4)));
    expect(fci!.tag).toBe("6F");
    expect(tags(fci!.children!)).toEqual(["84", "A5"]);
    const a5 = fci!.children![1]!;
    expect(tags(a5.children!)).toEqual(["50", "87", "9F38", "5F2D", "BF0C"]);
    expect(toHex(a5.children![2]!.value)).toBe("9F66049F02069F03069F1A0295055F2A029A039C019F3704");
  });

  it("the Visa DDA chain uses the long 81 length form and decodes", () => {
    const nodes = decodeTlv(fromHex(byName("visa-test-capk94-dda-chain").tlv!));
    const cert = nodes.find((n) => n.tag === "90")!;
    expect(cert.value.length).toBe(0xf8);
  });
});

describe("tags", () => {
  it("reads 1-, 2- and 3-byte tags (b5..b1 = 11111, continuation while b8 is set)", () => {
    const nodes = decodeTlv(fromHex("5A01AA 9F2601BB DF812901CC 9F810101DD"));
    expect(tags(nodes)).toEqual(["5A", "9F26", "DF8129", "9F8101"]);
    expect(nodes.map((n) => toHex(n.value))).toEqual(["AA", "BB", "CC", "DD"]);
  });

  it("marks constructed tags by bit 6 of the first byte only", () => {
    const nodes = decodeTlv(fromHex("BF0C03 9F0100 E100 2000"));
    expect(nodes.map((n) => n.children !== undefined)).toEqual([true, true, true]);
    expect(tags(nodes[0]!.children!)).toEqual(["9F01"]);
    expect(decodeTlv(fromHex("9F0100"))[0]!.children).toBeUndefined();
  });

  it("rejects a tag cut short, naming the offset", () => {
    expect(() => decodeTlv(fromHex("5A01AA9F"))).toThrow(/^tag, offset 3: tag runs past the end/);
    expect(() => decodeTlv(fromHex("5A01AA9F81"))).toThrow(TlvError);
  });

  it("rejects absurdly long tags", () => {
    expect(() => decodeTlv(fromHex("9F8181818101AA"))).toThrow(/tag longer than 4 bytes/);
  });

  it("parseTag validates the tag structure used by encode", () => {
    expect(toHex(parseTag("9f26"))).toBe("9F26");
    for (const bad of ["", "9", "9F", "5A01", "9F8101FF", "00", "FF01", "9F81", "zz", "9F818181"]) {
      expect(() => parseTag(bad), bad).toThrow(TlvError);
    }
  });
});

describe("lengths", () => {
  it("accepts every definite form, including non-minimal ones", () => {
    for (const hex of ["5A03", "5A8103", "5A820003", "5A83000003", "5A8400000003"]) {
      const [node] = decodeTlv(fromHex(`${hex}112233`));
      expect(toHex(node!.value), hex).toBe("112233");
    }
  });

  it("decodes zero-length primitives (9F12 00 in the wild)", () => {
    expect(decodeTlv(fromHex("9F1200"))).toEqual([{ tag: "9F12", value: Buffer.alloc(0) }]);
  });

  it("rejects the indefinite form 80 with the tag and offset", () => {
    expect(() => decodeTlv(fromHex("5A01AA7080"))).toThrow(/^tag 70, offset 4: indefinite length/);
  });

  it("rejects length forms beyond 84", () => {
    expect(() => decodeTlv(fromHex("5A850000000001AA"))).toThrow(/tag 5A, offset 1: length form 85/);
  });

  it("rejects a length running past the end, naming tag and offset", () => {
    expect(() => decodeTlv(fromHex("9F02060000"))).toThrow(/^tag 9F02, offset 0: length 6 runs past the end/);
    expect(() => decodeTlv(fromHex("5A01AA9F2608AABB"))).toThrow(/^tag 9F26, offset 3: length 8/);
    expect(() => decodeTlv(fromHex("5A8201"))).toThrow(/^tag 5A, offset 1: length octets run past the end/);
    expect(() => decodeTlv(fromHex("5A"))).toThrow(/^tag 5A, offset 1: length missing/);
  });

  it("a child overrunning its template is an error even when bytes follow the template", () => {
    expect(() => decodeTlv(fromHex("70035A05AABBCCDDEE"))).toThrow(
      /^tag 5A, offset 2: length 5 runs past the end \(1/,
    );
  });

  it("baseOffset shifts every offset, so field 55 errors point into the message", () => {
    expect(() => decodeTlv(fromHex("9F0206"), { baseOffset: 100 })).toThrow(/tag 9F02, offset 100:/);
    const error = (() => {
      try {
        decodeTlv(fromHex("70049F0206"), { baseOffset: 10 });
      } catch (e) {
        return e as TlvError;
      }
    })();
    expect(error).toBeInstanceOf(TlvError);
    expect(error?.path).toBe("tag 70");
    expect(error?.offset).toBe(10);
  });

  it("encodes the minimal form at every boundary", () => {
    const cases: [number, string][] = [
      [0, "00"],
      [0x7f, "7F"],
      [0x80, "8180"],
      [0xff, "81FF"],
      [0x100, "820100"],
      [0xffff, "82FFFF"],
      [0x10000, "83010000"],
      [0xffffff, "83FFFFFF"],
      [0x1000000, "8401000000"],
      [0xffffffff, "84FFFFFFFF"],
    ];
    for (const [n, hex] of cases) expect(toHex(encodeLength(n)), String(n)).toBe(hex);
    expect(() => encodeLength(-1)).toThrow(TlvError);
    expect(() => encodeLength(2 ** 32)).toThrow(TlvError);
  });

  it("round-trips a value needing the 83 form", () => {
    const value = Buffer.alloc(70_000, 0xab);
    const bytes = encodeTlv([{ tag: "DF01", value }]);
    expect(toHex(bytes.subarray(0, 6))).toBe("DF0183011170");
    expect(decodeTlv(bytes)[0]!.value.equals(value)).toBe(true);
  });
});

describe("templates and depth", () => {
  const nest = (depth: number): Buffer => {
    let inner = fromHex("9F370412345678");
    for (let i = 0; i < depth; i++) inner = encodeTlv([{ tag: "70", value: inner }]);
    return inner;
  };

  it("parses nested templates recursively and keeps each template's raw value", () => {
    const [outer] = decodeTlv(nest(3));
    expect(outer!.children![0]!.children![0]!.children![0]).toEqual({
      tag: "9F37",
      value: fromHex("12345678"),
    });
    expect(toHex(outer!.value)).toBe(toHex(nest(2)));
  });

  it("enforces maxDepth (default 8) with a TlvError naming the template", () => {
    expect(() => decodeTlv(nest(8))).not.toThrow();
    expect(() => decodeTlv(nest(9))).toThrow(/tag 70, offset \d+: templates nested deeper than 8/);
    expect(() => decodeTlv(nest(3), { maxDepth: 2 })).toThrow(TlvError);
    expect(() => decodeTlv(nest(20), { maxDepth: 20 })).not.toThrow();
  });

  it("a hostile 10,000-level nest ends in a TlvError, not a stack overflow", () => {
    // Consistent lengths all the way down: 70 82 LLLL at every level, the innermost template empty.
    const levels = 10_000;
    const hostile = Buffer.alloc(4 * levels);
    for (let i = 0; i < levels; i++) {
      hostile[4 * i] = 0x70;
      hostile[4 * i + 1] = 0x82;
      hostile.writeUInt16BE(4 * (levels - i - 1), 4 * i + 2);
    }
    expect(() => decodeTlv(hostile)).toThrow(/nested deeper than 8/);
    expect(() => decodeTlv(hostile, { maxDepth: 100_000 })).toThrow(/nested deeper than 64/);
  });

  it("encodes a constructed node from its children, ignoring a stale value", () => {
    const bytes = encodeTlv([
      { tag: "77", value: fromHex("DEADBEEF"), children: [{ tag: "82", value: fromHex("7C00") }] },
    ]);
    expect(toHex(bytes)).toBe("7704" + "82027C00");
  });

  it("encodes a constructed node without children from its value (opaque template)", () => {
    expect(toHex(encodeTlv([{ tag: "71", value: fromHex("9F180400000001") }]))).toBe("71079F180400000001");
  });

  it("refuses children under a primitive tag and malformed tags", () => {
    expect(() => encodeTlv([{ tag: "9F26", value: Buffer.alloc(0), children: [] }])).toThrow(
      /tag 9F26: primitive tag cannot have children/,
    );
    expect(() => encodeTlv([{ tag: "9F", value: Buffer.alloc(0) }])).toThrow(TlvError);
  });
});

describe("EMV padding (00/FF filler)", () => {
  const padded = fromHex("00 FF 70 0B 00 5A 02 1234 FF FF 9F37 01 AA 00 00 FF");

  it("is an error by default, naming the offset", () => {
    expect(() => decodeTlv(padded)).toThrow(/^tag, offset 0: 00 is not a valid first tag byte/);
    expect(() => decodeTlv(fromHex("5A0112FF"))).toThrow(/offset 3: FF is not a valid first tag byte/);
  });

  it("is skipped before, between and after objects, inside templates too, when enabled", () => {
    const nodes = decodeTlv(padded, { skipPadding: true });
    expect(tags(nodes)).toEqual(["70"]);
    expect(nodes[0]!.children!.map((c) => [c.tag, toHex(c.value)])).toEqual([
      ["5A", "1234"],
      ["9F37", "AA"],
    ]);
  });

  it("does not touch 00/FF inside values", () => {
    const nodes = decodeTlv(fromHex("5A0300FF00"), { skipPadding: true });
    expect(toHex(nodes[0]!.value)).toBe("00FF00");
  });
});

describe("properties", () => {
  it("decode(encode(x)) = x for random trees", () => {
    fc.assert(
      fc.property(tlvTreeArb, (tree) => {
        const bytes = encodeTlv(tree);
        const back = decodeTlv(bytes, { maxDepth: 64 });
        expect(shape(back)).toEqual(shape(tree));
      }),
      { seed: 0x7f5a, numRuns: 400 },
    );
  });

  it("encode(decode(b)) = b for minimally encoded input, and values alias the input", () => {
    fc.assert(
      fc.property(tlvTreeArb, (tree) => {
        const bytes = encodeTlv(tree);
        const nodes = decodeTlv(bytes, { maxDepth: 64 });
        expect(encodeTlv(nodes).equals(bytes)).toBe(true);
      }),
      { seed: 0x9f26, numRuns: 400 },
    );
  });

  it("random bytes only ever throw TlvError (strict and padding modes, random base offset)", () => {
    const input = fc.uint8Array({ maxLength: 96 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(input, fc.boolean(), fc.nat(1000), (bytes, skipPadding, baseOffset) => {
        try {
          const nodes = decodeTlv(bytes, { skipPadding, baseOffset });
          if (!skipPadding) expect(encodeTlv(nodes).length).toBeLessThanOrEqual(bytes.length);
        } catch (error) {
          expect(error).toBeInstanceOf(TlvError);
        }
      }),
      { seed: 55, numRuns: 5000 },
    );
  });

  it("random byte flips of a real field 55 only ever throw TlvError", () => {
    const base = fromHex(byName("unionpay-field55-base64-aed").tlv!);
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const bytes = Buffer.from(base);
        bytes[at] = byte;
        try {
          decodeTlv(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(TlvError);
        }
      }),
      { seed: 8583, numRuns: 3000 },
    );
  });

  it("every truncation of every vector decodes or throws TlvError", () => {
    for (const { hex } of blobs) {
      const bytes = fromHex(hex);
      for (let cut = 0; cut < bytes.length; cut++) {
        try {
          decodeTlv(bytes.subarray(0, cut));
        } catch (error) {
          expect(error).toBeInstanceOf(TlvError);
        }
      }
    }
  });
});
