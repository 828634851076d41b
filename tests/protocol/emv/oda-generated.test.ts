import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildStaticData,
  CapkStore,
  capkHash,
  cdaTransactionData,
  OdaError,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
  Tvr,
  verifyCda,
  verifyDda,
  verifyDynamicSignature,
  verifyFdda,
  verifySda,
} from "../../../protocol/emv/index.js";
import { toHex } from "../../../protocol/hex.js";
import {
  corrupt,
  iccCertificate,
  issuerCertificate,
  makeKey,
  sha1,
  signedDynamicData,
  signedStaticData,
} from "./support/test-pki.js";

// Fresh keys per run: CA 1152 bits (room 108), issuer 1024 (needs a 20-byte 92), ICC 768 (10-byte 9F48).
const ca = makeKey(1152);
const issuer = makeKey(1024);
const icc = makeKey(768);
const pan = Buffer.from("6228480402564890", "hex");
const now = new Date(Date.UTC(2026, 4, 6));
const records = [
  { sfi: 1, data: Buffer.from("700A5A086228480402564890", "hex") },
  { sfi: 2, data: Buffer.from("70065F2403301231", "hex") },
  { sfi: 11, data: Buffer.from("70038E0100", "hex") },
];
const aip = Buffer.from("7C00", "hex");
const staticData = buildStaticData({ records, sdaTagList9F4A: Buffer.from([0x82]), aip });

const reasonOf = (fn: () => unknown): OdaError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof OdaError) return error;
    throw error;
  }
  throw new Error("expected an OdaError");
};

const capk = { modulus: ca.modulus, exponent: ca.exponent };
const issuerCert = issuerCertificate(ca, issuer);
const issuerInput = { ...issuerCert, pan, now };
const issuerKey = recoverIssuerPublicKey(capk, issuerInput);
const iccCert = iccCertificate(issuer, icc, staticData);
const iccInput = { ...iccCert, staticData, pan, now };

describe("static data to be authenticated", () => {
  it("takes SFI 1–10 record values, whole SFI 11–30 records, then the AIP for 9F4A = 82", () => {
    expect(toHex(staticData)).toBe("5A0862284804025648905F240330123170038E01007C00");
  });

  it("a record that is not a 70 template fails the method; 9F4A listing other tags fails", () => {
    const bad = reasonOf(() =>
      buildStaticData({ records: [{ sfi: 1, data: Buffer.from("7103010203", "hex") }], method: "dda" }),
    );
    expect(bad.reason).toBe("dda-failed");
    expect(
      reasonOf(() => buildStaticData({ records: [{ sfi: 1, data: Buffer.from("70035A011290", "hex") }] }))
        .reason,
    ).toBe("sda-failed");
    expect(
      reasonOf(() => buildStaticData({ records: [], sdaTagList9F4A: Buffer.from("9F36", "hex") })).reason,
    ).toBe("sda-failed");
    expect(reasonOf(() => buildStaticData({ records: [], sdaTagList9F4A: Buffer.from([0x82]) })).reason).toBe(
      "icc-data-missing",
    );
  });
});

describe("issuer certificate (90) recovery", () => {
  it("recovers the issuer key from 90 ‖ 92 ‖ 9F32", () => {
    expect(issuerKey.modulus.equals(issuer.modulus)).toBe(true);
    expect(issuerKey.issuerId).toBe("622848");
    expect(issuerKey.expiry).toBe("1230");
  });

  it.each([
    ["header not 6A", { header: 0x6b }],
    ["trailer not BC", { trailer: 0xbd }],
    ["format not 02", { format: 0x04 }],
    ["hash algorithm not 01", { hashAlgorithm: 0x02 }],
    ["PK algorithm not 01", { pkAlgorithm: 0x02 }],
    ["issuer id not the PAN prefix", { issuerId: "622849FF" }],
    ["issuer id not BCD", { issuerId: "62A848FF" }],
    ["expired", { expiry: "0426" }],
    ["expiry not a date", { expiry: "1330" }],
    ["exponent length differs from 9F32", { exponentLength: 3 }],
    ["hash over a different exponent", { hashedExponent: Buffer.from("010001", "hex") }],
  ])("%s ⇒ the method's failed bit", (_name, options) => {
    const cert = issuerCertificate(ca, issuer, options);
    const error = reasonOf(() => recoverIssuerPublicKey(capk, { ...cert, pan, now, method: "dda" }));
    expect(error.reason).toBe("dda-failed");
    expect(error.tvrBits).toEqual(["ddaFailed"]);
  });

  it("corrupted certificate, corrupted remainder, wrong CA key ⇒ failed", () => {
    expect(
      reasonOf(() => recoverIssuerPublicKey(capk, { ...issuerInput, cert90: corrupt(issuerCert.cert90) }))
        .reason,
    ).toBe("sda-failed");
    expect(
      reasonOf(() =>
        recoverIssuerPublicKey(capk, { ...issuerInput, remainder92: corrupt(issuerCert.remainder92!) }),
      ).reason,
    ).toBe("sda-failed");
    const other = makeKey(1152);
    expect(
      reasonOf(() =>
        recoverIssuerPublicKey({ modulus: other.modulus, exponent: other.exponent }, issuerInput),
      ).reason,
    ).toBe("sda-failed");
    expect(
      reasonOf(() => recoverIssuerPublicKey(capk, { ...issuerInput, cert90: issuerCert.cert90.subarray(1) }))
        .reason,
    ).toBe("sda-failed");
    expect(
      reasonOf(() => recoverIssuerPublicKey(capk, { ...issuerInput, cert90: Buffer.alloc(144, 0xff) }))
        .reason,
    ).toBe("sda-failed");
  });

  it("the certificate serial on the revocation list ⇒ failed", () => {
    const error = reasonOf(() =>
      recoverIssuerPublicKey(capk, { ...issuerInput, isRevoked: (serial) => toHex(serial) === "000001" }),
    );
    expect(error.reason).toBe("sda-failed");
  });

  it("absent 90, 9F32 or a needed 92 ⇒ ICC data missing plus the method's failed bit", () => {
    for (const input of [
      { ...issuerInput, cert90: undefined },
      { ...issuerInput, exponent9F32: undefined },
      { ...issuerInput, remainder92: undefined },
    ]) {
      const error = reasonOf(() => recoverIssuerPublicKey(capk, { ...input, method: "cda" }));
      expect(error.reason).toBe("icc-data-missing");
      expect(error.tvrBits).toEqual(["iccDataMissing", "cdaFailed"]);
    }
  });

  it("a key that fits the certificate needs no remainder (BB padding dropped)", () => {
    const small = makeKey(800);
    const cert = issuerCertificate(ca, small);
    expect(cert.remainder92).toBeUndefined();
    const key = recoverIssuerPublicKey(capk, { ...cert, pan, now });
    expect(key.modulus.equals(small.modulus)).toBe(true);
  });
});

describe("ICC certificate (9F46) recovery", () => {
  it("recovers the ICC key over the static data incl. the AIP", () => {
    const key = recoverIccPublicKey(issuerKey, iccInput);
    expect(key.modulus.equals(icc.modulus)).toBe(true);
    expect(key.expiry).toBe("1230");
  });

  it("altered static data (e.g. another AIP) ⇒ failed", () => {
    const otherAip = buildStaticData({
      records,
      sdaTagList9F4A: Buffer.from([0x82]),
      aip: Buffer.from("7D00", "hex"),
    });
    expect(reasonOf(() => recoverIccPublicKey(issuerKey, { ...iccInput, staticData: otherAip })).reason).toBe(
      "dda-failed",
    );
  });

  it("wrong PAN, wrong format, expired, corrupted, absent", () => {
    const otherPan = Buffer.from("6228480402564891", "hex");
    expect(reasonOf(() => recoverIccPublicKey(issuerKey, { ...iccInput, pan: otherPan })).reason).toBe(
      "dda-failed",
    );
    const wrongFormat = iccCertificate(issuer, icc, staticData, { format: 0x02 });
    expect(reasonOf(() => recoverIccPublicKey(issuerKey, { ...iccInput, ...wrongFormat })).reason).toBe(
      "dda-failed",
    );
    const expired = iccCertificate(issuer, icc, staticData, { expiry: "0326" });
    expect(
      reasonOf(() => recoverIccPublicKey(issuerKey, { ...iccInput, ...expired, method: "cda" })).reason,
    ).toBe("cda-failed");
    expect(
      reasonOf(() => recoverIccPublicKey(issuerKey, { ...iccInput, cert9F46: corrupt(iccCert.cert9F46) }))
        .reason,
    ).toBe("dda-failed");
    expect(reasonOf(() => recoverIccPublicKey(issuerKey, { ...iccInput, cert9F46: undefined })).reason).toBe(
      "icc-data-missing",
    );
    expect(
      reasonOf(() => recoverIccPublicKey(issuerKey, { ...iccInput, remainder9F48: undefined })).reason,
    ).toBe("icc-data-missing");
    expect(
      reasonOf(() => recoverIccPublicKey(issuerKey, { ...iccInput, exponent9F47: undefined })).reason,
    ).toBe("icc-data-missing");
    expect(
      reasonOf(() =>
        recoverIccPublicKey(issuerKey, { ...iccInput, exponent9F47: Buffer.from("010001", "hex") }),
      ).reason,
    ).toBe("dda-failed");
  });
});

describe("SDA: signed static application data (93)", () => {
  const dac = Buffer.from("DAC0", "hex");
  const signed93 = signedStaticData(issuer, dac, staticData);

  it("verifies and returns the DAC", () => {
    expect(toHex(verifySda(issuerKey, { signed93, staticData }).dac)).toBe("DAC0");
  });

  it("tampered data, corrupted signature, wrong format ⇒ SDA failed; absent ⇒ ICC data missing", () => {
    expect(reasonOf(() => verifySda(issuerKey, { signed93, staticData: corrupt(staticData) })).reason).toBe(
      "sda-failed",
    );
    expect(reasonOf(() => verifySda(issuerKey, { signed93: corrupt(signed93), staticData })).reason).toBe(
      "sda-failed",
    );
    const wrongFormat = signedStaticData(issuer, dac, staticData, 0x05);
    expect(reasonOf(() => verifySda(issuerKey, { signed93: wrongFormat, staticData })).reason).toBe(
      "sda-failed",
    );
    const missing = reasonOf(() => verifySda(issuerKey, { signed93: undefined, staticData }));
    expect(missing.tvrBits).toEqual(["iccDataMissing", "sdaFailed"]);
  });
});

describe("dynamic signatures (9F4B)", () => {
  const iccKey = recoverIccPublicKey(issuerKey, iccInput);
  const un = Buffer.from("11223344", "hex");

  it("DDA: hash over the DDOL data", () => {
    const signed9F4B = signedDynamicData(icc, Buffer.from("0412345678", "hex"), un);
    const dda = verifyDda(iccKey, { signed9F4B, ddolData: un });
    expect(toHex(dda.iccDynamicNumber)).toBe("12345678");
    expect(
      reasonOf(() => verifyDda(iccKey, { signed9F4B, ddolData: Buffer.from("11223345", "hex") })).reason,
    ).toBe("dda-failed");
    expect(reasonOf(() => verifyDda(iccKey, { signed9F4B: corrupt(signed9F4B), ddolData: un })).reason).toBe(
      "dda-failed",
    );
    expect(reasonOf(() => verifyDda(iccKey, { signed9F4B: undefined, ddolData: un })).reason).toBe(
      "icc-data-missing",
    );
  });

  it("an ICC dynamic number length outside 2–8 fails", () => {
    const signed9F4B = signedDynamicData(icc, Buffer.from("01AA", "hex"), un);
    expect(reasonOf(() => verifyDda(iccKey, { signed9F4B, ddolData: un })).reason).toBe("dda-failed");
  });

  it("fDDA: format 95 or 05, hash over UN ‖ amount ‖ currency ‖ 9F69; failure reported on the DDA bit", () => {
    const amount = Buffer.from("000000000100", "hex");
    const currency = Buffer.from("0156", "hex");
    const cardData = Buffer.from("01A1B2C3D40080", "hex");
    const data = Buffer.concat([un, amount, currency, cardData]);
    for (const format of [0x95, 0x05]) {
      const signed9F4B = signedDynamicData(icc, Buffer.from("0203AA", "hex"), data, format);
      const input = {
        signed9F4B,
        unpredictableNumber: un,
        amountAuthorised: amount,
        currencyCode: currency,
        cardAuthenticationData9F69: cardData,
      };
      expect(toHex(verifyFdda(iccKey, input).iccDynamicNumber)).toBe("03AA");
      const error = reasonOf(() =>
        verifyFdda(iccKey, { ...input, amountAuthorised: Buffer.from("000000000200", "hex") }),
      );
      expect(error.reason).toBe("dda-failed");
      expect(error.method).toBe("fdda");
      expect(error.tvrBits).toEqual(["ddaFailed"]);
    }
    // Format 95 is only Visa fDDA; DDA must refuse it.
    const visa = signedDynamicData(icc, Buffer.from("0203AA", "hex"), un, 0x95);
    expect(reasonOf(() => verifyDynamicSignature(iccKey, { signed9F4B: visa, dynamicData: un })).reason).toBe(
      "dda-failed",
    );
  });

  it("CDA: signature over UN, CID and TDHC checked against the GENERATE AC response", () => {
    const pdolData = Buffer.from("2680008000000000010000", "hex");
    const cdol1Data = Buffer.from("0000000001000156", "hex");
    const partial = Buffer.from("9F2701809F360200019F2608", "hex");
    // 77 response: 9F27, 9F36, 9F26 placeholder, then 9F4B (excluded from the hash), then 9F10.
    const ac = Buffer.from("1122334455667788", "hex");
    const withoutSignature = Buffer.concat([partial, ac, Buffer.from("9F100706010A03A00000", "hex")]);
    const tdhc = sha1(pdolData, cdol1Data, withoutSignature);
    const dynamic = Buffer.concat([
      Buffer.from("08", "hex"),
      Buffer.from("0102030405060708", "hex"),
      Buffer.from([0x80]),
      ac,
      tdhc,
    ]);
    const signed9F4B = signedDynamicData(icc, dynamic, un);
    const sigTlv = Buffer.concat([Buffer.from("9F4B60", "hex"), signed9F4B]);
    const body = Buffer.concat([partial, ac, sigTlv, Buffer.from("9F100706010A03A00000", "hex")]);
    const response = Buffer.concat([Buffer.from([0x77, 0x81, body.length]), body]);
    const transactionData = cdaTransactionData({ pdolData, cdol1Data, response });
    expect(transactionData.equals(Buffer.concat([pdolData, cdol1Data, withoutSignature]))).toBe(true);
    const cda = verifyCda(iccKey, {
      signed9F4B,
      unpredictableNumber: un,
      cid: Buffer.from([0x80]),
      cryptogram: ac,
      transactionData,
    });
    expect(cda.cid).toBe(0x80);
    expect(cda.cryptogram.equals(ac)).toBe(true);
    // Second GENERATE AC adds CDOL2 data: the same signature no longer matches.
    const second = cdaTransactionData({
      pdolData,
      cdol1Data,
      cdol2Data: Buffer.from("3030", "hex"),
      response,
    });
    const error = reasonOf(() =>
      verifyCda(iccKey, {
        signed9F4B,
        unpredictableNumber: un,
        cid: Buffer.from([0x80]),
        transactionData: second,
      }),
    );
    expect(error.reason).toBe("cda-failed");
    const tvr = new Tvr();
    for (const bit of error.tvrBits) tvr.set(bit);
    expect(toHex(tvr.toBuffer())).toBe("0400000000");
    expect(
      reasonOf(() => cdaTransactionData({ pdolData, cdol1Data, response: Buffer.from("800100", "hex") }))
        .reason,
    ).toBe("cda-failed");
    expect(
      reasonOf(() => cdaTransactionData({ pdolData, cdol1Data, response: Buffer.from("7705820200", "hex") }))
        .reason,
    ).toBe("cda-failed");
  });
});

describe("CAPK store → ODA", () => {
  const rid = Buffer.from("A000000333", "hex");
  const store = new CapkStore([
    {
      rid: "A000000333",
      index: "F1",
      modulus: toHex(ca.modulus),
      exponent: toHex(ca.exponent),
      expiry: "20301231",
      hash: toHex(capkHash(rid, 0xf1, ca.modulus, ca.exponent)),
    },
  ]);

  it("finds the key by AID + 8F and runs the chain", () => {
    const key = store.require(Buffer.from("A000000333010101", "hex"), Buffer.from([0xf1]), "sda");
    expect(recoverIssuerPublicKey(key, issuerInput).modulus.equals(issuer.modulus)).toBe(true);
  });

  it("unknown index or RID ⇒ CA key missing (method's failed bit); absent 8F ⇒ ICC data missing", () => {
    const missing = reasonOf(() =>
      store.require(Buffer.from("A000000333010101", "hex"), Buffer.from([0x08]), "sda"),
    );
    expect(missing.reason).toBe("ca-key-missing");
    expect(missing.tvrBits).toEqual(["sdaFailed"]);
    expect(
      reasonOf(() => store.require(Buffer.from("A000000003101001", "hex"), Buffer.from([0xf1]), "cda"))
        .tvrBits,
    ).toEqual(["cdaFailed"]);
    expect(
      reasonOf(() => store.require(Buffer.from("A000000333010101", "hex"), undefined, "dda")).tvrBits,
    ).toEqual(["iccDataMissing", "ddaFailed"]);
  });
});

describe("ODA on random input only ever throws OdaError", () => {
  it("certificates, signatures, records and GENERATE AC responses", () => {
    const iccKey = recoverIccPublicKey(issuerKey, iccInput);
    const expectOda = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(OdaError);
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 160 }), fc.boolean(), (bytes, full) => {
        const data = Buffer.from(bytes);
        // Half the runs use a signature-sized block so recovery itself runs, not only the length check.
        const sized = full
          ? Buffer.concat([Buffer.from([0x01]), Buffer.alloc(200, data.length ? data : Buffer.from([0]))])
          : data;
        expectOda(() =>
          recoverIssuerPublicKey(capk, {
            ...issuerInput,
            cert90: sized.subarray(0, full ? 144 : sized.length),
          }),
        );
        expectOda(() =>
          recoverIccPublicKey(issuerKey, {
            ...iccInput,
            cert9F46: sized.subarray(0, full ? 128 : sized.length),
          }),
        );
        expectOda(() =>
          verifySda(issuerKey, { signed93: sized.subarray(0, full ? 128 : sized.length), staticData }),
        );
        expectOda(() =>
          verifyDda(iccKey, { signed9F4B: sized.subarray(0, full ? 96 : sized.length), ddolData: data }),
        );
        expectOda(() => buildStaticData({ records: [{ sfi: 1 + ((data[0] ?? 0) % 30), data }] }));
        expectOda(() => cdaTransactionData({ pdolData: data, cdol1Data: data, response: data }));
      }),
      { seed: 6004, numRuns: 300 },
    );
  });
});
