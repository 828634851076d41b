import { timingSafeEqual } from "node:crypto";
import { toHex } from "../../hex.js";
import type { OdaMethod } from "../aip.js";
import { sha1 } from "./cert-checks.js";
import { failedReason, OdaError } from "./oda-error.js";
import { type RsaPublicKey, rsaRecover } from "./rsa-recover.js";

export interface DynamicSignatureInput {
  /** Signed dynamic application data (9F4B). */
  signed9F4B: Buffer | undefined;
  /** The data the terminal appends to the hash: DDOL data (DDA), UN (CDA), UN‖amount‖currency‖9F69 (fDDA). */
  dynamicData: Buffer;
  /** Decides the failure reason. Default "dda". */
  method?: OdaMethod;
}

export interface DynamicSignature {
  /** Signed data format: 05, or 95 for Visa fDDA. */
  format: number;
  /** ICC dynamic data (L_DD bytes). */
  iccDynamicData: Buffer;
  /** ICC dynamic number: the first byte of the ICC dynamic data is its length (2–8). */
  iccDynamicNumber: Buffer;
}

/**
 * Verifies signed dynamic application data (EMV Book 2 §6.5): header 6A, format 05 (or 95 for fDDA),
 * trailer BC, SHA-1 over format…pad ‖ dynamicData, and extracts the ICC dynamic data.
 */
export function verifyDynamicSignature(iccKey: RsaPublicKey, input: DynamicSignatureInput): DynamicSignature {
  const method = input.method ?? "dda";
  const fail = (message: string): OdaError =>
    new OdaError(failedReason(method), method, message, { path: "tag 9F4B" });
  const { signed9F4B } = input;
  if (signed9F4B === undefined || signed9F4B.length === 0) {
    // CDA: a TC/ARQC without 9F4B is "CDA failed" (Book 3 §10.3), not "ICC data missing".
    if (method === "cda") throw fail("GENERATE AC response carries no signed dynamic data");
    throw new OdaError("icc-data-missing", method, "signed dynamic application data absent", {
      path: "tag 9F4B",
    });
  }
  const nIc = iccKey.modulus.length;
  if (signed9F4B.length !== nIc) throw fail(`signature is ${signed9F4B.length} bytes, ICC key is ${nIc}`);
  const recovered = rsaRecover(iccKey, signed9F4B);
  if (recovered === undefined || nIc < 25) throw fail("signature cannot be recovered with the ICC key");
  if (recovered[0] !== 0x6a) throw fail("recovered header is not 6A");
  if (recovered[nIc - 1] !== 0xbc) throw fail("recovered trailer is not BC");
  const format = recovered[1]!;
  const formatOk = format === 0x05 || (method === "fdda" && format === 0x95);
  if (!formatOk) throw fail(`signed data format ${toHex(recovered.subarray(1, 2))} is not 05`);
  if (recovered[2] !== 0x01) throw fail("hash algorithm is not SHA-1 (01)");
  const dynamicLength = recovered[3]!;
  if (dynamicLength > nIc - 25) throw fail(`ICC dynamic data length ${dynamicLength} exceeds the signature`);
  const body = recovered.subarray(1, nIc - 21);
  if (!sha1(body, input.dynamicData).equals(recovered.subarray(nIc - 21, nIc - 1))) {
    throw fail("signed dynamic data hash mismatch");
  }
  const iccDynamicData = Buffer.from(recovered.subarray(4, 4 + dynamicLength));
  const idnLength = iccDynamicData[0] ?? 0;
  if (idnLength < 2 || idnLength > 8 || idnLength + 1 > iccDynamicData.length) {
    throw fail(`ICC dynamic number length ${idnLength} is not 2–8 within the dynamic data`);
  }
  return { format, iccDynamicData, iccDynamicNumber: iccDynamicData.subarray(1, 1 + idnLength) };
}

/** DDA (INTERNAL AUTHENTICATE): the hash covers the DDOL data the terminal sent (default DDOL 9F37 04). */
export function verifyDda(iccKey: RsaPublicKey, input: { signed9F4B: Buffer | undefined; ddolData: Buffer }) {
  return verifyDynamicSignature(iccKey, {
    signed9F4B: input.signed9F4B,
    dynamicData: input.ddolData,
    method: "dda",
  });
}

export interface FddaInput {
  signed9F4B: Buffer | undefined;
  /** Terminal unpredictable number 9F37 (4). */
  unpredictableNumber: Buffer;
  /** Amount authorised 9F02 (6). */
  amountAuthorised: Buffer;
  /** Transaction currency code 5F2A (2). */
  currencyCode: Buffer;
  /** Card authentication related data 9F69 (fDDA version 01); absent for fDDA version 00. */
  cardAuthenticationData9F69?: Buffer | undefined;
}

/** fDDA (qVSDC / qPBOC): hash over format…pad ‖ 9F37 ‖ 9F02 ‖ 5F2A ‖ 9F69. Format 05 or 95. */
export function verifyFdda(iccKey: RsaPublicKey, input: FddaInput): DynamicSignature {
  const dynamicData = Buffer.concat([
    input.unpredictableNumber,
    input.amountAuthorised,
    input.currencyCode,
    input.cardAuthenticationData9F69 ?? Buffer.alloc(0),
  ]);
  return verifyDynamicSignature(iccKey, { signed9F4B: input.signed9F4B, dynamicData, method: "fdda" });
}

export interface CdaInput {
  signed9F4B: Buffer | undefined;
  /** Terminal unpredictable number 9F37 sent in the CDOL. */
  unpredictableNumber: Buffer;
  /** Cryptogram information data 9F27 from the GENERATE AC response (must equal the signed CID). */
  cid: Buffer;
  /** Application cryptogram 9F26 from the response, when the card returned one in clear (compared). */
  cryptogram?: Buffer | undefined;
  /** Transaction data (see cdaTransactionData) whose SHA-1 must equal the signed hash code… */
  transactionData?: Buffer;
  /** …or that SHA-1 already computed. One of the two is required. */
  transactionDataHash?: Buffer;
}

export interface CdaResult extends DynamicSignature {
  /** The CID inside the signature. */
  cid: number;
  /** The application cryptogram (TC/ARQC) carried inside the signature. */
  cryptogram: Buffer;
  /** Transaction data hash code (20). */
  transactionDataHash: Buffer;
}

/**
 * CDA (Book 2 §6.6): signature over format…pad ‖ UN; ICC dynamic data = IDN length, IDN, CID, AC 8,
 * transaction data hash code 20. Checks the CID against 9F27 and the hash code against the terminal's
 * own hash of the transaction data. Every failure is "CDA failed"; the kernel then treats the card's
 * answer as an AAC.
 */
export function verifyCda(iccKey: RsaPublicKey, input: CdaInput): CdaResult {
  const fail = (message: string): OdaError =>
    new OdaError("cda-failed", "cda", message, { path: "tag 9F4B" });
  const signature = verifyDynamicSignature(iccKey, {
    signed9F4B: input.signed9F4B,
    dynamicData: input.unpredictableNumber,
    method: "cda",
  });
  const data = signature.iccDynamicData;
  const idnLength = data[0]!;
  const at = 1 + idnLength;
  if (data.length < at + 29) throw fail("ICC dynamic data too short for CID, cryptogram and hash code");
  const cid = data[at]!;
  const cryptogram = data.subarray(at + 1, at + 9);
  const tdhc = data.subarray(at + 9, at + 29);
  if (input.cid.length !== 1 || input.cid[0] !== cid) throw fail("signed CID differs from 9F27");
  if (input.cryptogram !== undefined && !sameBytes(input.cryptogram, cryptogram)) {
    throw fail("signed cryptogram differs from 9F26");
  }
  const expected =
    input.transactionDataHash ??
    (input.transactionData === undefined ? undefined : sha1(input.transactionData));
  if (expected === undefined) throw fail("no transaction data to check the hash code against");
  if (!sameBytes(expected, tdhc)) throw fail("transaction data hash code mismatch");
  return { ...signature, cid, cryptogram: Buffer.from(cryptogram), transactionDataHash: Buffer.from(tdhc) };
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
