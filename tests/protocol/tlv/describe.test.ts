import { describe, expect, it } from "vitest";
import { fromHex } from "../../../protocol/hex.js";
import { maskPan } from "../../../protocol/pan-mask.js";
import { decodeTlv, describeTlv } from "../../../protocol/tlv/index.js";

const card = decodeTlv(
  fromHex(
    "70 3D" +
      "5A 08 6228480402564890" +
      "57 0F 6228480402564890D2512201123456" + // 30 nibbles, as on a card
      "5F20 0A 5A48414E472F53414E20" + // "ZHANG/SAN "
      "50 0A 50424F43204445424954" + // "PBOC DEBIT"
      "9F02 06 000000000200",
  ),
);

describe("describeTlv", () => {
  it("renders an indented dump with EMV names and lengths, masking cardholder data by default", () => {
    expect(describeTlv(card)).toBe(
      [
        "70 READ RECORD Response Message Template (61)",
        "  5A Application Primary Account Number (PAN) (8): 622848******4890",
        "  57 Track 2 Equivalent Data (15): 622848******4890 (track 2, rest hidden)",
        "  5F20 Cardholder Name (10): [hidden 10 bytes]",
        '  50 Application Label (10): 50424F43204445424954 "PBOC DEBIT"',
        "  9F02 Amount, Authorised (Numeric) (6): 000000000200",
      ].join("\n"),
    );
  });

  it("reveal shows everything in clear", () => {
    const text = describeTlv(card, { reveal: true });
    expect(text).toContain("5A Application Primary Account Number (PAN) (8): 6228480402564890");
    expect(text).toContain('5F20 Cardholder Name (10): 5A48414E472F53414E20 "ZHANG/SAN "');
    expect(text).toContain("(15): 6228480402564890D2512201123456");
  });

  it("never leaks the full PAN, track data or PIN data, at any depth", () => {
    const nodes = decodeTlv(fromHex("7712 99 08 1122334455667788 9F6B 05 622848025D"));
    const text = describeTlv(nodes);
    expect(text).toContain("99 Transaction Personal Identification Number (PIN) Data (8): [hidden 8 bytes]");
    expect(text).not.toContain("1122334455667788");
    expect(text).toContain("9F6B Track 2 Data (contactless) (5): [hidden 5 bytes]"); // PAN too short to mask
    expect(describeTlv(card)).not.toMatch(/6228480402564890|D2512201/);
  });

  it("strips the cn F padding of an odd-length PAN before masking", () => {
    const nodes = decodeTlv(fromHex("5A0A 6212345678901234567F"));
    expect(describeTlv(nodes)).toBe("5A Application Primary Account Number (PAN) (10): 621234*********4567");
  });

  it("labels unknown tags and does not quote non-printable an data", () => {
    expect(describeTlv(decodeTlv(fromHex("DF7F0112 9F1E020001")))).toBe(
      ["DF7F Unknown tag (1): 12", "9F1E Interface Device (IFD) Serial Number (2): 0001"].join("\n"),
    );
  });

  it("maskPan keeps 6 + 4 and refuses what is not a PAN", () => {
    expect(maskPan("6228480402564890018")).toBe("622848*********0018");
    expect(maskPan("1234567890")).toBe("**********");
    expect(maskPan("62284804025648D0")).toBe("****************");
  });
});
