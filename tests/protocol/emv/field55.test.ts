import { describe, expect, it } from "vitest";
import {
  arcFromField39,
  buildField55,
  EmvDataError,
  FIELD55_FAILURE_UPLOAD,
  FIELD55_REQUEST,
  FIELD55_REVERSAL,
  FIELD55_SCRIPT_RESULT,
  FIELD55_TC_UPLOAD,
  field55Tags,
  hostDecision,
  parseField55Response,
  terminalArc,
} from "../../../protocol/emv/index.js";
import { toHex } from "../../../protocol/hex.js";
import { decodeTlv } from "../../../protocol/tlv/index.js";
import { loadVectors } from "../../support/vectors.js";

const sample = loadVectors<{ name: string; tlv: string }[]>("emv-public.json").find(
  (v) => v.name === "unionpay-field55-base64-aed",
)!;
const values = new Map(decodeTlv(Buffer.from(sample.tlv, "hex")).map((n) => [n.tag, n.value]));

describe("UnionPay field 55 tag sets", () => {
  it("request set: the §1.13 order, mandatory tags first", () => {
    expect(FIELD55_REQUEST.tags.slice(0, 14)).toEqual(FIELD55_REQUEST.mandatory);
    expect(FIELD55_REQUEST.tags.slice(14)).toEqual([
      "9F34",
      "9F35",
      "9F1E",
      "84",
      "9F09",
      "9F41",
      "9F63",
      "9F74",
    ]);
    expect(FIELD55_REVERSAL).toMatchObject({
      tags: ["95", "9F1E", "9F10", "9F36", "DF31"],
      mandatory: ["9F36"],
    });
    expect(FIELD55_TC_UPLOAD.tags).toEqual(FIELD55_REQUEST.tags);
    expect(FIELD55_SCRIPT_RESULT.mandatory).toEqual([
      "95",
      "9F10",
      "9F26",
      "9F36",
      "82",
      "DF31",
      "9F1A",
      "9A",
    ]);
    expect(FIELD55_FAILURE_UPLOAD.mandatory).toEqual([]);
  });

  it("rebuilds the real AED sample in request order, dropping tags the set does not list (5F34)", () => {
    const built = buildField55(FIELD55_REQUEST, values);
    expect(field55Tags(built)).toEqual([
      "9F26",
      "9F27",
      "9F10",
      "9F37",
      "9F36",
      "95",
      "9A",
      "9C",
      "9F02",
      "5F2A",
      "82",
      "9F1A",
      "9F03",
      "9F33",
      "9F35",
      "9F1E",
      "84",
      "9F09",
    ]);
    for (const node of decodeTlv(built)) expect(node.value.equals(values.get(node.tag)!)).toBe(true);
    expect(toHex(built).startsWith("9F26084F6B8D40197BE7539F2701809F1016")).toBe(true);
  });

  it("reversal set from the same data store, and a record object as input", () => {
    const built = buildField55(FIELD55_REVERSAL, Object.fromEntries(values));
    expect(toHex(built)).toBe(
      "950500000000009F1E08303030303039303" + "59F101607010103A00000010DA13999016720240123152918809F36020001",
    );
  });

  it("a missing mandatory tag is named", () => {
    const partial = new Map(values);
    partial.delete("9F26");
    expect(() => buildField55(FIELD55_REQUEST, partial)).toThrow(/tag 9F26/);
    expect(() => buildField55(FIELD55_REVERSAL, new Map())).toThrow(EmvDataError);
    expect(toHex(buildField55(FIELD55_FAILURE_UPLOAD, new Map()))).toBe("");
  });

  it("refuses a field 55 over 255 bytes", () => {
    const big = new Map(values);
    big.set("9F63", Buffer.alloc(200));
    expect(() => buildField55(FIELD55_REQUEST, big)).toThrow(/255/);
  });
});

describe("response field 55 and ARC (8A)", () => {
  it("splits 91, 71/72 scripts and 8A", () => {
    const field = Buffer.from(
      "910A1122334455667788303071099F1804000000018600" + "7206860484DA0000" + "8A023030",
      "hex",
    );
    const r = parseField55Response(field);
    expect(toHex(r.issuerAuthenticationData!)).toBe("11223344556677883030");
    expect(r.scriptsBeforeFinalAc.map(toHex)).toEqual(["71099F1804000000018600"]);
    expect(r.scriptsAfterFinalAc.map(toHex)).toEqual(["7206860484DA0000"]);
    expect(toHex(r.authorisationResponseCode!)).toBe("3030");
    expect(() => parseField55Response(Buffer.from("9105", "hex"))).toThrow(EmvDataError);
    expect(() => field55Tags(Buffer.from("9F", "hex"))).toThrow(EmvDataError);
  });

  it("maps field 39 to 8A as ASCII and to a host decision", () => {
    expect(toHex(arcFromField39("00"))).toBe("3030");
    expect(toHex(arcFromField39("A5"))).toBe("4135");
    expect(toHex(terminalArc("unableToGoOnlineDeclined"))).toBe("5A33");
    expect(toHex(terminalArc("offlineApproved"))).toBe("5931");
    expect(hostDecision("00")).toBe("approved");
    expect(hostDecision("11")).toBe("approved");
    expect(hostDecision("01")).toBe("referral");
    expect(hostDecision("05")).toBe("declined");
    expect(hostDecision("51")).toBe("declined");
    expect(() => arcFromField39("0")).toThrow(EmvDataError);
    expect(() => hostDecision("0 ")).toThrow(EmvDataError);
  });
});
