import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  asciiHexMac,
  MAC_SIZE,
  macInput,
  macOf,
  packWithMac,
  withMac,
} from "../../../../protocol/iso8583/cup/mac.js";
import { cupSpec } from "../../../../protocol/iso8583/cup/spec.js";
import { pack, unpack } from "../../../../protocol/iso8583/message.js";
import { loadVectors } from "../../../support/vectors.js";

const vectors = loadVectors<{ name: string; hex: string }[]>("iso8583-cup-public.json");
const mab = Buffer.from(vectors.find((v) => v.name === "cup-mac-pos-ecb-worked-example")!.hex, "hex");

/** The POS ECB MAC of §1.9, written out only to show the boundary works end to end. */
function posEcbMac(key: Buffer, input: Buffer): Buffer {
  const r = Buffer.alloc(8);
  for (let i = 0; i < input.length; i++) r[i % 8]! ^= input[i]!;
  const h = Buffer.from(r.toString("hex").toUpperCase(), "latin1");
  const des = (block: Buffer) => {
    const c = createCipheriv("des-ede-ecb", Buffer.concat([key, key]), null).setAutoPadding(false);
    return Buffer.concat([c.update(block), c.final()]);
  };
  const e1 = des(h.subarray(0, 8));
  const x = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) x[i] = e1[i]! ^ h[8 + i]!;
  return asciiHexMac(des(x));
}

describe("MAC boundary", () => {
  it("macInput of the worked example is the MAB itself, with and without field 64", () => {
    expect(macInput(mab).equals(mab)).toBe(true);
    const full = Buffer.concat([mab, Buffer.from("8A9E91B8", "latin1")]);
    expect(macInput(full).equals(mab)).toBe(true);
    expect(macOf(full)?.toString("latin1")).toBe("8A9E91B8");
  });

  it("sets bit 64 in the MAB when the packed message has no MAC yet", () => {
    const packed = pack(cupSpec, { mti: "0200", fields: { 3: "000000", 11: "000001" } });
    const input = macInput(packed);
    expect(input.subarray(2, 10).toString("hex").toUpperCase()).toBe("2020000000000001");
    expect(input.subarray(10).equals(packed.subarray(10))).toBe(true);
    expect(macOf(packed)).toBeUndefined();
  });

  it("packWithMac writes the MAC computed over the MAB (worked example TAK → 8A9E91B8)", () => {
    const message = unpack(cupSpec, Buffer.concat([mab, Buffer.alloc(8)]));
    delete message.fields[64];
    const key = Buffer.from("C24A8FB57AA20123", "hex");
    const packed = packWithMac(message, (input) => {
      expect(input.equals(mab)).toBe(true);
      return posEcbMac(key, input);
    });
    expect(packed.subarray(-MAC_SIZE).toString("latin1")).toBe("8A9E91B8");
    expect(unpack(cupSpec, packed).fields[64]).toBe("3841394539314238");
  });

  it("withMac sets field 64 from 8 bytes and refuses other sizes", () => {
    const m = withMac({ mti: "0200", fields: { 11: "000001" } }, Buffer.from("B3A092AE", "latin1"));
    expect(m.fields[64]).toBe("4233413039324145");
    expect(() => withMac(m, Buffer.alloc(4))).toThrow(/field 64: MAC must be 8 bytes/);
    expect(() => packWithMac(m, () => Buffer.alloc(3))).toThrow(/field 64/);
  });
});
