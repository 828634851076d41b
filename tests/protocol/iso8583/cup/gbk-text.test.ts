import iconv from "iconv-lite";
import { expect, it, describe as suite } from "vitest";
import { cupSpec, describe } from "../../../../protocol/iso8583/cup/index.js";
import { pack, unpack } from "../../../../protocol/iso8583/message.js";

suite("GBK text in ans fields (63 in a 0210)", () => {
  // 63 = card organisation "CUP" + issuer name in GBK, as Chinese hosts send it.
  const issuer = iconv.encode("中国银行", "gbk");
  const field63 = Buffer.concat([Buffer.from("CUP"), issuer]);

  it("unpacks the raw bytes and packs them back byte for byte", () => {
    const message = { mti: "0210", fields: { 11: "000123", 39: "00", 63: field63.toString("latin1") } };
    const packed = pack(cupSpec, message);
    const at = packed.indexOf(field63);
    expect(at).toBeGreaterThan(0);
    // LLL prefix (2 BCD bytes) counts bytes: 3 + 8 = 11.
    expect(packed.subarray(at - 2, at).toString("hex")).toBe("0011");
    const back = unpack(cupSpec, packed);
    expect(Buffer.from(back.fields[63]!, "latin1").equals(field63)).toBe(true);
    expect(pack(cupSpec, back).equals(packed)).toBe(true);
  });

  it("shows the issuer name as Chinese in describe", () => {
    const text = describe({ mti: "0210", fields: { 39: "00", 63: field63.toString("latin1") } });
    expect(text).toContain("CUP中国银行");
  });

  it("still refuses control bytes and 0xFF in ans data", () => {
    expect(() => pack(cupSpec, { mti: "0210", fields: { 63: "CUP\n" } })).toThrow(/field 63/);
    expect(() => pack(cupSpec, { mti: "0210", fields: { 63: "CUP\u00ff" } })).toThrow(/field 63/);
  });
});
