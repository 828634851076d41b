import { describe, expect, it } from "vitest";
import {
  CapkStore,
  OdaError,
  openIccCertificate,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
  verifyCda,
  verifyDda,
  verifySda,
} from "../../../protocol/emv/index.js";
import { toHex } from "../../../protocol/hex.js";
import { decodeTlv } from "../../../protocol/tlv/index.js";
import { loadVectors } from "../../support/vectors.js";

interface Chain {
  name: string;
  tlv: string;
  inputs: {
    capk: { rid: string; index: string; modulus: string; exponent: string; checksum: string };
    ddol_data_9F37?: string;
    unpredictable_number_9F37?: string;
    sdad_9F4B: string;
    negative?: Record<string, string>;
  };
  expect: Record<string, Record<string, unknown>>;
}

const vectors = loadVectors<Chain[]>("emv-public.json");
const chain = (name: string) => {
  const v = vectors.find((e) => e.name === name)!;
  const tags = new Map(decodeTlv(Buffer.from(v.tlv, "hex")).map((n) => [n.tag, n.value]));
  const store = new CapkStore([
    {
      rid: v.inputs.capk.rid,
      index: v.inputs.capk.index,
      modulus: v.inputs.capk.modulus,
      exponent: v.inputs.capk.exponent,
      expiry: "20301231",
      hash: v.inputs.capk.checksum,
    },
  ]);
  const capk = store.require(Buffer.from(`${v.inputs.capk.rid}1010`, "hex"), tags.get("8F"), "dda");
  return { v, tags, capk };
};

/** Replaces the last byte of a buffer with the hex the vector gives for the last two bytes. */
const withTail = (data: Buffer, tail: string): Buffer =>
  Buffer.concat([data.subarray(0, data.length - tail.length / 2), Buffer.from(tail, "hex")]);

const reason = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof OdaError) return error.reason;
    throw error;
  }
  return undefined;
};

describe("Visa test CAPK 94 DDA chain (emv-utils emv_rsa_test.c)", () => {
  const { v, tags, capk } = chain("visa-test-capk94-dda-chain");
  const pan = tags.get("5A")!;
  const issuerInput = {
    cert90: tags.get("90"),
    remainder92: tags.get("92"),
    exponent9F32: tags.get("9F32"),
    pan,
    now: Buffer.from("220506", "hex"),
    method: "dda" as const,
  };

  it("recovers the issuer public key with the vector's fields", () => {
    const issuer = recoverIssuerPublicKey(capk, issuerInput);
    expect(issuer.issuerId).toBe("476173");
    expect(issuer.expiry).toBe("1231");
    expect(toHex(issuer.serial)).toBe("03DA0A");
    expect(issuer.modulus.length).toBe(176);
    expect(toHex(issuer.exponent)).toBe("03");
  });

  it("applies the certificate date rule: 12/2031 valid on 311231, expired on 320101", () => {
    expect(recoverIssuerPublicKey(capk, { ...issuerInput, now: Buffer.from("311231", "hex") }).expiry).toBe(
      "1231",
    );
    expect(
      reason(() => recoverIssuerPublicKey(capk, { ...issuerInput, now: Buffer.from("320101", "hex") })),
    ).toBe("dda-failed");
    expect(
      reason(() => recoverIssuerPublicKey(capk, { ...issuerInput, now: new Date(Date.UTC(2032, 0, 1)) })),
    ).toBe("dda-failed");
  });

  it("opens the ICC certificate, and the strict recovery needs the card's static data", () => {
    const issuer = recoverIssuerPublicKey(capk, issuerInput);
    const cert = openIccCertificate(issuer, tags.get("9F46"));
    expect(toHex(cert.pan)).toBe("4761739001010119FFFF");
    expect(toHex(cert.expiry)).toBe("1222");
    expect(cert.keyLength).toBe(176);
    // The vector does not carry the card records; any static data but the card's fails the hash.
    expect(
      reason(() =>
        recoverIccPublicKey(issuer, {
          cert9F46: tags.get("9F46"),
          remainder9F48: tags.get("9F48"),
          exponent9F47: tags.get("9F47"),
          staticData: Buffer.alloc(0),
          pan,
          now: Buffer.from("220506", "hex"),
        }),
      ),
    ).toBe("dda-failed");
  });

  it("verifies the DDA signature with the ICC key and extracts the ICC dynamic data", () => {
    const issuer = recoverIssuerPublicKey(capk, issuerInput);
    const cert = openIccCertificate(issuer, tags.get("9F46"));
    const iccKey = {
      modulus: Buffer.concat([cert.leftmost, tags.get("9F48")!]),
      exponent: tags.get("9F47")!,
    };
    expect(iccKey.modulus.length).toBe(176);
    const dda = verifyDda(iccKey, {
      signed9F4B: Buffer.from(v.inputs.sdad_9F4B, "hex"),
      ddolData: Buffer.from(v.inputs.ddol_data_9F37!, "hex"),
    });
    expect(dda.format).toBe(0x05);
    expect(toHex(dda.iccDynamicData)).toBe("0200AE");
    expect(toHex(dda.iccDynamicNumber)).toBe("00AE");
    // A different unpredictable number must not verify.
    expect(
      reason(() =>
        verifyDda(iccKey, {
          signed9F4B: Buffer.from(v.inputs.sdad_9F4B, "hex"),
          ddolData: Buffer.from("7FBC4048", "hex"),
        }),
      ),
    ).toBe("dda-failed");
  });

  it("SSAD 93 recovers under the issuer key but fails without the card's static data", () => {
    const issuer = recoverIssuerPublicKey(capk, issuerInput);
    expect(reason(() => verifySda(issuer, { signed93: tags.get("93"), staticData: Buffer.alloc(0) }))).toBe(
      "sda-failed",
    );
  });

  it("rejects each negative variant (last byte changed, wrong exponent)", () => {
    const neg = v.inputs.negative!;
    expect(
      reason(() =>
        recoverIssuerPublicKey(capk, {
          ...issuerInput,
          cert90: withTail(tags.get("90")!, neg.issuer_cert_last_byte_changed!),
        }),
      ),
    ).toBe("dda-failed");
    const issuer = recoverIssuerPublicKey(capk, issuerInput);
    expect(
      reason(() => openIccCertificate(issuer, withTail(tags.get("9F46")!, neg.icc_cert_last_byte_changed!))),
    ).toBe("dda-failed");
    const cert = openIccCertificate(issuer, tags.get("9F46"));
    const iccKey = {
      modulus: Buffer.concat([cert.leftmost, tags.get("9F48")!]),
      exponent: tags.get("9F47")!,
    };
    expect(
      reason(() =>
        verifyDda(iccKey, {
          signed9F4B: withTail(Buffer.from(v.inputs.sdad_9F4B, "hex"), neg.sdad_last_byte_changed!),
          ddolData: Buffer.from(v.inputs.ddol_data_9F37!, "hex"),
        }),
      ),
    ).toBe("dda-failed");
    expect(
      reason(() =>
        recoverIssuerPublicKey(capk, { ...issuerInput, exponent9F32: Buffer.from("010001", "hex") }),
      ),
    ).toBe("dda-failed");
    expect(
      reason(() =>
        verifyDda(
          { ...iccKey, exponent: Buffer.from("010001", "hex") },
          {
            signed9F4B: Buffer.from(v.inputs.sdad_9F4B, "hex"),
            ddolData: Buffer.from(v.inputs.ddol_data_9F37!, "hex"),
          },
        ),
      ),
    ).toBe("dda-failed");
  });

  it("rejects an issuer identifier that is not the PAN's prefix", () => {
    const otherPan = Buffer.from("4761749001010119", "hex");
    expect(reason(() => recoverIssuerPublicKey(capk, { ...issuerInput, pan: otherPan }))).toBe("dda-failed");
  });
});

describe("Mastercard test CAPK F1 CDA chain (emv-utils emv_rsa_cda_test.c)", () => {
  const { v, tags, capk } = chain("mastercard-test-capkF1-cda-chain");
  const pan = tags.get("5A")!;
  const now = Buffer.from("250506", "hex");
  const issuer = recoverIssuerPublicKey(capk, {
    cert90: tags.get("90"),
    remainder92: tags.get("92"),
    exponent9F32: tags.get("9F32"),
    pan,
    now,
    method: "cda",
  });
  const cert = openIccCertificate(issuer, tags.get("9F46"), "cda");
  const iccKey = {
    modulus: Buffer.concat([cert.leftmost, tags.get("9F48")!]),
    exponent: tags.get("9F47")!,
  };
  const tdhc = Buffer.from(v.expect.cda_sdad!.tdhc as string, "hex");
  const cdaInput = {
    signed9F4B: Buffer.from(v.inputs.sdad_9F4B, "hex"),
    unpredictableNumber: Buffer.from(v.inputs.unpredictable_number_9F37!, "hex"),
    cid: Buffer.from([0x00]),
    transactionDataHash: tdhc,
  };

  it("recovers issuer (112 bytes, no remainder) and ICC (96 bytes, 26 in 9F48) keys", () => {
    expect(iccKey.modulus.length).toBe(96);
    expect(issuer.issuerId).toBe("541333");
    expect(issuer.expiry).toBe("1227");
    expect(issuer.modulus.length).toBe(112);
    expect(toHex(cert.pan)).toBe("5413330089020011FFFF");
    expect(toHex(cert.expiry)).toBe("1227");
    expect(cert.keyLength).toBe(96);
  });

  it("verifies the CDA signature: IDN, CID, AC and transaction data hash code", () => {
    const cda = verifyCda(iccKey, cdaInput);
    expect(toHex(cda.iccDynamicNumber)).toBe("537EB5E03CC433C8");
    expect(cda.cid).toBe(0x00);
    expect(toHex(cda.cryptogram)).toBe("55B6408DBC985131");
    expect(cda.transactionDataHash.equals(tdhc)).toBe(true);
    expect(verifyCda(iccKey, { ...cdaInput, cryptogram: Buffer.from("55B6408DBC985131", "hex") }).cid).toBe(
      0,
    );
  });

  it("every CDA mismatch is cda-failed", () => {
    expect(reason(() => verifyCda(iccKey, { ...cdaInput, cid: Buffer.from([0x80]) }))).toBe("cda-failed");
    expect(reason(() => verifyCda(iccKey, { ...cdaInput, transactionDataHash: Buffer.alloc(20) }))).toBe(
      "cda-failed",
    );
    expect(reason(() => verifyCda(iccKey, { ...cdaInput, cryptogram: Buffer.alloc(8) }))).toBe("cda-failed");
    expect(
      reason(() => verifyCda(iccKey, { ...cdaInput, unpredictableNumber: Buffer.from("8B55633C", "hex") })),
    ).toBe("cda-failed");
    expect(reason(() => verifyCda(iccKey, { ...cdaInput, signed9F4B: undefined }))).toBe("cda-failed");
    const { transactionDataHash: _omit, ...withoutHash } = cdaInput;
    expect(reason(() => verifyCda(iccKey, withoutHash))).toBe("cda-failed");
  });

  it("the CDA-selected issuer recovery of an expired certificate sets CDA failed", () => {
    const error = (() => {
      try {
        recoverIssuerPublicKey(capk, {
          cert90: tags.get("90"),
          remainder92: tags.get("92"),
          exponent9F32: tags.get("9F32"),
          pan,
          now: Buffer.from("280101", "hex"),
          method: "cda",
        });
      } catch (e) {
        return e as OdaError;
      }
    })();
    expect(error).toBeInstanceOf(OdaError);
    expect(error?.tvrBits).toEqual(["cdaFailed"]);
  });
});
