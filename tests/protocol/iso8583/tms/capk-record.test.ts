import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capkHash } from "../../../../protocol/emv/oda/capk-store.js";
import {
  buildCapkDownloadRequest,
  buildCapkRecord,
  buildDownloadResponse,
  type CapkRecord,
  parseCapkDownloadRequest,
  parseCapkRecord,
  parseDownloadResponse,
  TmsError,
} from "../../../../protocol/iso8583/tms/index.js";
import { loadVectors } from "../../../support/vectors.js";
import { onlyTmsErrors } from "./fuzz.js";

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
const vectors = loadVectors<CapkVector[]>("emv-public.json").filter((v) => v.kind === "capk");

const hexOf = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b).toString("hex").toUpperCase());

const recordArb: fc.Arbitrary<CapkRecord> = fc.record(
  {
    rid: hexOf(5, 5),
    index: hexOf(1, 1),
    expiry: fc.integer({ min: 20000101, max: 20991231 }).map(String),
    hashAlgorithm: fc.constant("01"),
    keyAlgorithm: fc.constant("01"),
    modulus: hexOf(1, 248),
    exponent: fc.constantFrom("03", "010001"),
    checksum: hexOf(20, 20),
  },
  { requiredKeys: ["rid", "index", "expiry", "hashAlgorithm", "keyAlgorithm", "modulus", "exponent"] },
);

describe("CAPK record (370 response)", () => {
  it("reads the published UnionPay records and their checksums verify", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(5);
    for (const v of vectors) {
      const record = parseCapkRecord(Buffer.from(v.tlv, "hex"));
      expect(record.rid).toBe(v.expect.rid);
      expect(record.index).toBe(v.expect.index);
      expect(record.expiry).toBe(v.expect.expiry);
      expect(record.exponent).toBe(v.expect.exponent);
      expect(record.modulus.length * 4).toBe(v.expect.modulus_bits);
      expect(record.checksum).toBe(v.expect.checksum_sha1_rid_idx_mod_exp);
      const hash = capkHash(
        Buffer.from(record.rid, "hex"),
        Number.parseInt(record.index, 16),
        Buffer.from(record.modulus, "hex"),
        Buffer.from(record.exponent, "hex"),
      );
      expect(hash.toString("hex").toUpperCase()).toBe(record.checksum);
      // The builder writes the published tag order byte for byte.
      expect(buildCapkRecord(record).toString("hex").toUpperCase()).toBe(v.tlv);
    }
  });

  it("parse ∘ build is the identity", () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        expect(parseCapkRecord(buildCapkRecord(record))).toEqual(record);
      }),
      { seed: 370, numRuns: 200 },
    );
  });

  it("names the missing tag and the bad length", () => {
    const good = Buffer.from(vectors[0]!.tlv, "hex");
    expect(() => parseCapkRecord(good.subarray(0, 10))).toThrow(
      /capk record tag 9F22.*runs past|capk record/,
    );
    const noExpiry = Buffer.from(
      vectors[0]!.tlv.replace("DF050832303234313233", "DF040832303234313233"),
      "hex",
    );
    expect(() => parseCapkRecord(noExpiry)).toThrow(TmsError);
    expect(() => parseCapkRecord(Buffer.from("9F0604A00000039F220108", "hex"))).toThrow(
      /tag DF05: mandatory tag missing/,
    );
  });

  it("random and truncated input only throws TmsError", () => {
    onlyTmsErrors((d) => parseCapkRecord(d), Buffer.from(vectors[2]!.tlv, "hex"), 3701);
  });
});

describe("CAPK download request and the '1'/'0' answer", () => {
  it("byte vector: 9F06 05 RID 9F22 01 idx", () => {
    const bytes = buildCapkDownloadRequest({ rid: "A000000333", index: "0B" });
    expect(bytes.toString("hex").toUpperCase()).toBe("9F0605A0000003339F22010B");
    expect(parseCapkDownloadRequest(bytes)).toEqual({ rid: "A000000333", index: "0B" });
  });

  it("'1' + record, '0' = not found", () => {
    const record = Buffer.from(vectors[0]!.tlv, "hex");
    expect(parseDownloadResponse(buildDownloadResponse(record))).toEqual(record);
    expect(buildDownloadResponse(undefined).toString("latin1")).toBe("0");
    expect(parseDownloadResponse(Buffer.from("0"))).toBeUndefined();
    expect(() => parseDownloadResponse(Buffer.from("1"))).toThrow(/download, offset 1/);
    expect(() => parseDownloadResponse(Buffer.from("9"))).toThrow(TmsError);
  });

  it("random and truncated requests only throw TmsError", () => {
    onlyTmsErrors((d) => parseCapkDownloadRequest(d), Buffer.from("9F0605A0000003339F22010B", "hex"), 3702);
    onlyTmsErrors((d) => parseDownloadResponse(d), Buffer.from("1AB", "latin1"), 3703);
  });
});
