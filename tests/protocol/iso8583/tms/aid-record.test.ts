import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AidRecord,
  buildAidDownloadRequest,
  buildAidRecord,
  parseAidDownloadRequest,
  parseAidRecord,
  TmsError,
} from "../../../../protocol/iso8583/tms/index.js";
import { loadVectors } from "../../../support/vectors.js";
import { onlyTmsErrors } from "./fuzz.js";

const vector = loadVectors<{ name: string; tlv: string }[]>("emv-public.json").find(
  (v) => v.name === "unionpay-aid-params-cup-format",
)!;

const hexOf = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b).toString("hex").toUpperCase());
const amount = fc.integer({ min: 0, max: 999_999_999_999 });

const recordArb: fc.Arbitrary<AidRecord> = fc.record(
  {
    aid: hexOf(5, 16),
    partialSelection: fc.boolean(),
    applicationVersion: hexOf(2, 2),
    tacDefault: hexOf(5, 5),
    tacOnline: hexOf(5, 5),
    tacDenial: hexOf(5, 5),
    floorLimit: fc.integer({ min: 0, max: 0xffffffff }),
    threshold: fc.integer({ min: 0, max: 0xffffffff }),
    maxTargetPercent: fc.integer({ min: 0, max: 99 }),
    targetPercent: fc.integer({ min: 0, max: 99 }),
    defaultDdol: hexOf(0, 20),
    onlinePinSupported: fc.boolean(),
    ecTransactionLimit: amount,
    contactlessFloorLimit: amount,
    contactlessTransactionLimit: amount,
    cvmLimit: amount,
    other: fc.constantFrom([], [{ tag: "9F66", value: "26000080" }], [{ tag: "9F33", value: "E0F8C8" }]),
  },
  { requiredKeys: ["aid", "other"] },
);

describe("AID record (380 response)", () => {
  it("reads the published UnionPay record", () => {
    const record = parseAidRecord(Buffer.from(vector.tlv, "hex"));
    expect(record).toMatchObject({
      aid: "A000000333010101",
      partialSelection: true,
      applicationVersion: "0030",
      tacDefault: "584000A800",
      tacOnline: "584024F830",
      tacDenial: "0010000000",
      floorLimit: 0,
      threshold: 0,
      maxTargetPercent: 99,
      targetPercent: 99,
      // As published: DF14 02 9F37 (the DDOL lacks its length byte; the parser keeps it as is).
      defaultDdol: "9F37",
      onlinePinSupported: true,
      ecTransactionLimit: 100,
      contactlessFloorLimit: 0,
      contactlessTransactionLimit: 999_999_999_999,
      cvmLimit: 2_500_001,
    });
    expect(record.other.map((o) => o.tag)).toEqual(["9F33", "9F40", "9F1A", "9F35", "9F66"]);
  });

  it("takes 9F08 as the version when 9F09 is absent", () => {
    const bytes = Buffer.from("9F0607A00000033301019F0802008C", "hex");
    expect(parseAidRecord(bytes).applicationVersion).toBe("008C");
  });

  it("parse ∘ build is the identity", () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        expect(parseAidRecord(buildAidRecord(record))).toEqual(record);
      }),
      { seed: 380, numRuns: 200 },
    );
  });

  it("names the tag at fault", () => {
    expect(() => parseAidRecord(Buffer.from("9F0607A0000003330101DF160100", "hex"))).not.toThrow();
    expect(() => parseAidRecord(Buffer.from("9F0607A0000003330101DF1601AA", "hex"))).toThrow(/tag DF16.*BCD/);
    expect(() => parseAidRecord(Buffer.from("9F0607A0000003330101DF2003000100", "hex"))).toThrow(
      /tag DF20.*3 bytes/,
    );
    expect(() => parseAidRecord(Buffer.from("DF160101", "hex"))).toThrow(/tag 9F06.*missing/);
    expect(() => buildAidRecord({ aid: "A000000333", other: [{ tag: "DF01", value: "00" }] })).toThrow(
      TmsError,
    );
  });

  it("download request: 9F06 len AID", () => {
    const bytes = buildAidDownloadRequest("A000000333010101");
    expect(bytes.toString("hex").toUpperCase()).toBe("9F0608A000000333010101");
    expect(parseAidDownloadRequest(bytes)).toEqual({ aid: "A000000333010101" });
  });

  it("random and truncated input only throws TmsError", () => {
    onlyTmsErrors((d) => parseAidRecord(d), Buffer.from(vector.tlv, "hex"), 3801);
    onlyTmsErrors((d) => parseAidDownloadRequest(d), Buffer.from("9F0608A000000333010101", "hex"), 3802);
  });
});
