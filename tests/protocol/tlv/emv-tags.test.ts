import { describe, expect, it } from "vitest";
import { emvTag, emvTagList, isConstructedTag, parseTag } from "../../../protocol/tlv/index.js";

describe("EMV tag dictionary", () => {
  it("covers Book 3 annex A, qPBOC/e-cash and the UnionPay field 55 tags", () => {
    const field55 =
      "9F26 9F27 9F10 9F37 9F36 95 9A 9C 9F02 5F2A 82 9F1A 9F03 9F33 9F34 9F35 9F1E 84 9F09 9F41 9F63 9F74 8A 91 71 72 DF31 5F34";
    for (const tag of field55.split(" ")) expect(emvTag(tag), tag).toBeDefined();
    for (const tag of [
      "DF69",
      "9F5B",
      "9F66",
      "9F6C",
      "9F69",
      "9F79",
      "BF0C",
      "A5",
      "6F",
      "70",
      "77",
      "61",
    ]) {
      expect(emvTag(tag), tag).toBeDefined();
    }
    expect(emvTagList().length).toBeGreaterThan(150);
  });

  it("names and formats from the specification", () => {
    expect(emvTag("9F26")).toEqual({ name: "Application Cryptogram", format: "b" });
    expect(emvTag("9f02")?.format).toBe("n");
    expect(emvTag("5A")?.format).toBe("cn");
    expect(emvTag("9F20")?.format).toBe("cn");
    expect(emvTag("5F2D")?.format).toBe("an");
    expect(emvTag("50")?.format).toBe("ans");
    expect(emvTag("DF31")?.name).toMatch(/Issuer Script Results/);
  });

  it("flags exactly the cardholder-data tags as sensitive", () => {
    const sensitive = emvTagList().filter((tag) => emvTag(tag)?.sensitive);
    expect(sensitive.sort()).toEqual(["56", "57", "5A", "5F20", "99", "9F0B", "9F1F", "9F20", "9F6B"].sort());
  });

  it("every key is a well-formed tag; templates are constructed, data elements primitive", () => {
    for (const tag of emvTagList()) {
      expect(() => parseTag(tag), tag).not.toThrow();
      expect(tag, tag).toBe(tag.toUpperCase());
    }
    expect(["61", "6F", "70", "71", "72", "73", "77", "A5", "BF0C"].every(isConstructedTag)).toBe(true);
    expect(["9F26", "5A", "57", "DF31", "9F38"].some(isConstructedTag)).toBe(false);
  });

  it("unknown tags and prototype names are not found", () => {
    expect(emvTag("DF7F")).toBeUndefined();
    expect(emvTag("constructor")).toBeUndefined();
    expect(emvTag("__proto__")).toBeUndefined();
  });
});
