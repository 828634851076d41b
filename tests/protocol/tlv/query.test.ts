import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { decodeTlv, findAllTags, findTag, flattenTlv, TlvError } from "../../../protocol/tlv/index.js";

// PSE record with two 61 directory entries, then an FCI with PDOL.
const record = decodeTlv(
  fromHex(
    "7022" +
      "610F4F07A0000000031010500456495341" +
      "610F4F07A0000003330101500443555020" +
      "6F0A8402AABBA5049F3801FF" +
      "9F3701AA",
  ).subarray(0, 2 + 0x22),
);

describe("findTag / findAllTags", () => {
  it("finds depth-first in document order, case-insensitively", () => {
    expect(toHex(findTag(record, "4f")!.value)).toBe("A0000000031010");
    expect(findTag(record, "9F38")).toBeUndefined();
    expect(findTag(record, "70")!.children).toHaveLength(2);
  });

  it("a template is found before its descendants' later siblings", () => {
    const nodes = decodeTlv(fromHex("700350015A5001AA"));
    expect(toHex(findTag(nodes, "50")!.value)).toBe("5A");
  });

  it("findAllTags returns every occurrence", () => {
    expect(findAllTags(record, "61")).toHaveLength(2);
    expect(findAllTags(record, "50").map((n) => n.value.toString())).toEqual(["VISA", "CUP "]);
    expect(findAllTags(record, "DF31")).toEqual([]);
  });
});

describe("flattenTlv", () => {
  const nodes = decodeTlv(fromHex("77 0A 82027C00 94 04 08010100 9F3602 0001"));

  it("maps primitive tags at any depth to their values, leaving templates out", () => {
    const flat = flattenTlv(nodes);
    expect([...flat.keys()]).toEqual(["82", "94", "9F36"]);
    expect(toHex(flat.get("94")!)).toBe("08010100");
  });

  it("keeps the first of duplicates by default, or throws when asked (redundant card data)", () => {
    expect(flattenTlv(record).get("50")!.toString()).toBe("VISA");
    expect(() => flattenTlv(record, { duplicates: "error" })).toThrow(TlvError);
    expect(() => flattenTlv(record, { duplicates: "error" })).toThrow(/tag 4F: redundant data object/);
  });
});
