import { describe, expect, it } from "vitest";
import {
  CapkStore,
  capkExpired,
  capkFromCupTlv,
  capkHash,
  EmvDataError,
  OdaError,
} from "../../../protocol/emv/index.js";
import { toHex } from "../../../protocol/hex.js";
import { loadVectors } from "../../support/vectors.js";

interface CapkVector {
  name: string;
  kind: string;
  tlv: string;
  expect: {
    rid: string;
    index: string;
    expiry: string;
    modulus_bits: number;
    exponent: string;
    checksum_sha1_rid_idx_mod_exp: string;
  };
}

const capks = loadVectors<CapkVector[]>("emv-public.json").filter((v) => v.kind === "capk");

describe("UnionPay CAPKs (CUP parameter TLV)", () => {
  it("has the five published keys", () => {
    expect(capks.map((v) => v.expect.index).sort()).toEqual(["01", "08", "09", "0A", "0B"]);
  });

  it.each(capks.map((v) => [v.name, v] as const))(
    "%s: checksum = SHA-1(RID ‖ index ‖ modulus ‖ exponent)",
    (_n, v) => {
      const json = capkFromCupTlv(Buffer.from(v.tlv, "hex"));
      expect(json.rid).toBe(v.expect.rid);
      expect(json.index).toBe(v.expect.index);
      expect(json.expiry).toBe(v.expect.expiry);
      expect(json.exponent).toBe(v.expect.exponent);
      const modulus = Buffer.from(json.modulus, "hex");
      expect(modulus.length * 8).toBe(v.expect.modulus_bits);
      const hash = capkHash(
        Buffer.from(json.rid, "hex"),
        Number.parseInt(json.index as string, 16),
        modulus,
        Buffer.from(json.exponent, "hex"),
      );
      expect(toHex(hash)).toBe(v.expect.checksum_sha1_rid_idx_mod_exp);
      const store = new CapkStore([json]);
      const capk = store.get("A000000333", v.expect.index)!;
      expect(capk.modulus.equals(modulus)).toBe(true);
      expect(toHex(capk.hash)).toBe(v.expect.checksum_sha1_rid_idx_mod_exp);
    },
  );

  it("looks keys up by RID string/Buffer and index number/string/Buffer", () => {
    const store = CapkStore.fromJson(
      JSON.stringify(capks.map((v) => capkFromCupTlv(Buffer.from(v.tlv, "hex")))),
    );
    expect(store.size).toBe(5);
    expect(store.get(Buffer.from("A000000333", "hex"), 0x0b)?.modulus.length).toBe(248);
    expect(store.get("a000000333", "0a")?.modulus.length).toBe(128);
    expect(store.get("A000000333", Buffer.from([0x09]))?.index).toBe("09");
    expect(store.get("A000000003", 0x08)).toBeUndefined();
    expect(store.get("A000000333", "zz")).toBeUndefined();
    expect(store.list()).toHaveLength(5);
  });
});

describe("CapkStore load checks", () => {
  const base = capkFromCupTlv(Buffer.from(capks[0]!.tlv, "hex"));

  it("rejects a wrong checksum, naming the entry", () => {
    const bad = { ...base, hash: "00".repeat(20) };
    expect(() => new CapkStore([bad])).toThrow(/CAPK 1\.hash/);
    const flipped = { ...base, modulus: `${base.modulus.slice(0, -2)}00` };
    expect(() => new CapkStore([flipped])).toThrow(EmvDataError);
  });

  it.each([
    ["RID length", { rid: "A0000003" }],
    ["index", { index: "0102" }],
    ["index number", { index: 300 }],
    ["exponent", { exponent: "05" }],
    ["modulus hex", { modulus: "XYZ" }],
    ["short modulus", { modulus: "FF".repeat(32) }],
    ["expiry", { expiry: "2024-12-31" }],
  ])("rejects a bad %s", (_n, change) => {
    expect(() => new CapkStore([{ ...base, ...change, hash: undefined } as never])).toThrow(EmvDataError);
  });

  it("rejects non-JSON, non-array and non-object entries", () => {
    expect(() => CapkStore.fromJson("{")).toThrow(EmvDataError);
    expect(() => CapkStore.fromJson("{}")).toThrow(EmvDataError);
    expect(() => CapkStore.fromJson("[1]")).toThrow(EmvDataError);
    expect(() => capkFromCupTlv(Buffer.from("9F0605A000000333", "hex"))).toThrow(EmvDataError);
    expect(() => capkFromCupTlv(Buffer.from("9F06", "hex"))).toThrow(EmvDataError);
    expect(() => capkFromCupTlv(Buffer.from(capks[0]!.tlv.replace("DF060101", "DF060102"), "hex"))).toThrow(
      EmvDataError,
    );
  });
});

describe("CAPK expiry", () => {
  const json = capkFromCupTlv(Buffer.from(capks.find((v) => v.expect.index === "01")!.tlv, "hex"));
  const store = new CapkStore([json]);
  const aid = Buffer.from("A000000333010101", "hex");

  it("an expired key (20141231) is treated as missing when the date is given", () => {
    expect(store.require(aid, Buffer.from([0x01]), "sda").index).toBe("01");
    expect(store.require(aid, Buffer.from([0x01]), "sda", Buffer.from("141231", "hex")).index).toBe("01");
    expect(() => store.require(aid, Buffer.from([0x01]), "sda", Buffer.from("150101", "hex"))).toThrow(
      OdaError,
    );
    try {
      store.require(aid, Buffer.from([0x01]), "dda", new Date(Date.UTC(2026, 0, 1)));
    } catch (error) {
      expect((error as OdaError).reason).toBe("ca-key-missing");
      expect((error as OdaError).tvrBits).toEqual(["ddaFailed"]);
    }
  });

  it.each([
    ["20241231", "241231", false],
    ["20241231", "250101", true],
    ["241231", "241231", false],
    ["241231", "250101", true],
    ["1224", "241231", false],
    ["1224", "250101", true],
  ])("expiry %s on %s ⇒ expired %s", (expiry, today, expired) => {
    expect(capkExpired({ expiry }, Buffer.from(today, "hex"))).toBe(expired);
  });

  it("an invalid transaction date counts as expired", () => {
    expect(capkExpired({ expiry: "20241231" }, Buffer.from("241331", "hex"))).toBe(true);
    expect(capkExpired({ expiry: "20241231" }, new Date(Number.NaN))).toBe(true);
  });
});
