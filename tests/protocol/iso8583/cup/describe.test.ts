import { expect, it, describe as suite } from "vitest";
import { buildSale } from "../../../../protocol/iso8583/cup/builders.js";
import { describe } from "../../../../protocol/iso8583/cup/describe.js";
import { unpackFrame } from "../../../../protocol/iso8583/cup/frame.js";
import { loadVectors } from "../../../support/vectors.js";

const vectors = loadVectors<{ name: string; hex: string }[]>("iso8583-cup-public.json");
const frameOf = (name: string) => unpackFrame(Buffer.from(vectors.find((v) => v.name === name)!.hex, "hex"));

const sale = buildSale({
  terminalId: "12345678",
  merchantId: "123456789012345",
  stan: 1,
  batch: 1,
  amount: 100,
  card: {
    pan: "6217001234567890123",
    entryMode: "051",
    track2: "6217001234567890123=29122201234",
    iccData: Buffer.from("5A0A6217001234567890123F9F2701805F200A4A4F484E20534D495448", "hex"),
  },
  pinBlock: Buffer.from("0123456789ABCDEF", "hex"),
});
const withMac = { ...sale, fields: { ...sale.fields, 64: "4233413039324145" } };

suite("describe", () => {
  it("masks PAN 6+4, hides track rest, PIN block, MAC and sensitive EMV tags", () => {
    const text = describe(withMac);
    expect(text).toContain("   2 Primary account number 主账号 (n..19): 621700*********0123");
    expect(text).toContain("621700*********0123D[11 characters hidden]");
    expect(text).toContain("[PIN block hidden, 8 bytes]");
    expect(text).toContain("[MAC hidden, 8 bytes]");
    expect(text).toContain("9F27");
    expect(text).not.toMatch(/6217001234567890123/);
    expect(text).not.toContain("0123456789ABCDEF");
    expect(text).not.toContain("4A4F484E");
    expect(text).toMatch(/60 .*txnType=22 batch=000001/);
  });

  it("hides sign-in key material in 0810 and explains field 39", () => {
    const text = describe(frameOf("cup-0810-signin-response-easy8583").message);
    expect(text).toContain("[key material hidden, 40 bytes]");
    expect(text).not.toContain("46F161A7");
    expect(text).toContain('"00" (交易成功 / Approved; class A)');
  });

  it("raw mode adds offsets and bytes, still masked", () => {
    const text = describe(withMac, { raw: true });
    expect(text).toMatch(/MTI 0200\n {6}@0 \(2 bytes\): 0200/);
    expect(text).toMatch(/@10 \(11 bytes\): 19 \| \[bytes hidden, 10 bytes\]/);
    expect(text).not.toContain("62170012345678901230");
    expect(text).toMatch(/3 Processing code .*\n {6}@21 \(3 bytes\): 000000/);
  });

  it("reveal shows everything", () => {
    const text = describe(withMac, { raw: true, reveal: true });
    expect(text).toContain("6217001234567890123");
    expect(text).toContain("0123456789ABCDEF");
    expect(text).toContain("62170012345678901230");
  });

  it("renders field 55 that is not valid TLV without failing", () => {
    const m = { mti: "0200", fields: { 55: "9F2608AA" } };
    expect(describe(m)).toMatch(/\[4 bytes hidden\] \(not valid BER-TLV: /);
  });
});
