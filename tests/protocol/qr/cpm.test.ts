import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCpm, QrError } from "../../../protocol/qr/index.js";
import { encodeTlv } from "../../../protocol/tlv/index.js";
import { loadVectors } from "../../support/vectors.js";

interface Vector {
  name: string;
  payload: string;
  tlv: string;
}
const sample = loadVectors<Vector[]>("emv-public.json").find((v) => v.name === "emvco-cpm-qr-spec-sample")!;

const errorOf = (fn: () => unknown): QrError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(QrError);
    return error as QrError;
  }
  throw new Error("expected a QrError");
};

describe("parseCpm", () => {
  it("decodes the EMVCo CPM sample", () => {
    expect(Buffer.from(sample.payload, "base64").toString("hex").toUpperCase()).toBe(sample.tlv);
    const qr = parseCpm(sample.payload);
    expect(qr.payloadFormat).toBe("CPV01");
    expect(qr.applications.map((a) => [a.aid.toString("hex").toUpperCase(), a.label])).toEqual([
      ["A0000000555555", "Product1"],
      ["A0000000666666", "Product2"],
    ]);
    expect(qr.common.get("5A")?.toString("hex")).toBe("1234567890123458");
    expect(qr.common.get("5F20")?.toString("latin1")).toBe("CARDHOLDER/EMV");
    expect(qr.common.get("5F2D")?.toString("latin1")).toBe("ruesdeen");
    expect(qr.iccData.map((n) => [n.tag, n.value.toString("hex").toUpperCase()])).toEqual([
      ["9F10", "06010A03000000"],
      ["9F26", "584FD385FA234BCC"],
      ["9F36", "0001"],
      ["9F37", "6D58EF13"],
    ]);
    // The transparent template re-encodes to the bytes the card put there (field 55 material).
    expect(encodeTlv(qr.iccData).toString("hex").toUpperCase()).toBe(
      "9F100706010A030000009F2608584FD385FA234BCC9F360200019F37046D58EF13",
    );
  });

  it("rejects non-base64, a wrong format indicator and missing templates, naming the tag", () => {
    expect(errorOf(() => parseCpm("not base64!")).path).toBe("payload");
    expect(errorOf(() => parseCpm("")).path).toBe("payload");
    const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");
    expect(errorOf(() => parseCpm(b64("850543505630326100"))).path).toBe("tag 85");
    expect(errorOf(() => parseCpm(b64("61034F0101"))).path).toBe("tag 85");
    expect(errorOf(() => parseCpm(b64("8505435056303162035A0112"))).path).toBe("tag 61");
    expect(errorOf(() => parseCpm(b64("85054350563031610750055052454441"))).path).toBe("tag 61.4F");
    expect(errorOf(() => parseCpm(b64("850543505630316107 4F05A000000333".replace(" ", "")))).path).toBe(
      "tag 62",
    );
    const truncated = errorOf(() => parseCpm(b64(sample.tlv.slice(0, 60))));
    expect(truncated.path).toMatch(/^tag /);
    expect(truncated.offset).toBeGreaterThanOrEqual(0);
  });

  it("only ever throws QrError on random and truncated input (bounded fuzz)", () => {
    const bytes = Buffer.from(sample.tlv, "hex");
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("base64")),
          fc.integer({ min: 0, max: bytes.length }).map((n) => bytes.subarray(0, n).toString("base64")),
          fc
            .tuple(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }))
            .map(([at, v]) => {
              const copy = Buffer.from(bytes);
              copy[at] = v;
              return copy.toString("base64");
            }),
          fc.string({ maxLength: 80 }),
        ),
        (text) => {
          try {
            parseCpm(text);
          } catch (error) {
            return error instanceof QrError;
          }
          return true;
        },
      ),
      { seed: 0xc9, numRuns: 3000 },
    );
  });
});
