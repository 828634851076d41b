import { toHex } from "../../hex.js";
import type { OdaMethod } from "../aip.js";
import { bcdDigits, certificateExpired, sha1, type TransactionDate } from "./cert-checks.js";
import { failedReason, OdaError } from "./oda-error.js";
import { type RsaPublicKey, rsaRecover } from "./rsa-recover.js";

export interface IccCertificateInput {
  /** ICC public key certificate (9F46). */
  cert9F46: Buffer | undefined;
  /** ICC public key remainder (9F48), needed only when the key does not fit the certificate. */
  remainder9F48?: Buffer | undefined;
  /** ICC public key exponent (9F47). */
  exponent9F47: Buffer | undefined;
  /** Static data to be authenticated (see buildStaticData): the ODA records ‖ AIP when 9F4A lists 82. */
  staticData: Buffer;
  /** Application PAN (5A). */
  pan: Buffer;
  now: TransactionDate;
  /** Which ODA method this recovery serves (DDA, CDA, fDDA). Default "dda". */
  method?: OdaMethod;
}

export interface IccPublicKey extends RsaPublicKey {
  /** Certificate expiry MMYY. */
  expiry: string;
  serial: Buffer;
}

/** The fields of a recovered ICC certificate, before any hash, PAN or date check. */
export interface OpenedIccCertificate {
  /** Certificate PAN, 10 bytes F-padded. */
  pan: Buffer;
  expiry: Buffer;
  serial: Buffer;
  hashAlgorithm: number;
  publicKeyAlgorithm: number;
  keyLength: number;
  exponentLength: number;
  /** Issuer-signed ICC key bytes (leftmost digits, or the whole key padded with BB). */
  leftmost: Buffer;
  /** Format…leftmost: the first hash input. */
  body: Buffer;
  hash: Buffer;
}

/**
 * Recovers 9F46 and checks only its envelope (length, 6A, format 04, BC). Use recoverIccPublicKey for
 * ODA; this exists for trace tools and tests that lack the card's static data.
 */
export function openIccCertificate(
  issuerKey: RsaPublicKey,
  cert9F46: Buffer | undefined,
  method: OdaMethod = "dda",
): OpenedIccCertificate {
  const fail = (message: string): OdaError =>
    new OdaError(failedReason(method), method, message, { path: "tag 9F46" });
  if (cert9F46 === undefined || cert9F46.length === 0) {
    throw new OdaError("icc-data-missing", method, "ICC public key certificate absent", { path: "tag 9F46" });
  }
  const nI = issuerKey.modulus.length;
  if (cert9F46.length !== nI) throw fail(`certificate is ${cert9F46.length} bytes, issuer key is ${nI}`);
  const recovered = nI < 42 ? undefined : rsaRecover(issuerKey, cert9F46);
  if (recovered === undefined) throw fail("certificate cannot be recovered with the issuer key");
  if (recovered[0] !== 0x6a) throw fail("recovered header is not 6A");
  if (recovered[nI - 1] !== 0xbc) throw fail("recovered trailer is not BC");
  if (recovered[1] !== 0x04) throw fail(`certificate format ${toHex(recovered.subarray(1, 2))} is not 04`);
  const leftmostLength = nI - 42;
  return {
    pan: Buffer.from(recovered.subarray(2, 12)),
    expiry: Buffer.from(recovered.subarray(12, 14)),
    serial: Buffer.from(recovered.subarray(14, 17)),
    hashAlgorithm: recovered[17]!,
    publicKeyAlgorithm: recovered[18]!,
    keyLength: recovered[19]!,
    exponentLength: recovered[20]!,
    leftmost: Buffer.from(recovered.subarray(21, 21 + leftmostLength)),
    body: Buffer.from(recovered.subarray(1, 21 + leftmostLength)),
    hash: Buffer.from(recovered.subarray(21 + leftmostLength, nI - 1)),
  };
}

/**
 * Recovers the ICC public key from 9F46 with the issuer key (EMV Book 2 §6.4): header 6A, format 04,
 * trailer BC, SHA-1 over format…leftmost ‖ 9F48 ‖ 9F47 ‖ static data, PAN equality, expiry, algorithms.
 */
export function recoverIccPublicKey(issuerKey: RsaPublicKey, input: IccCertificateInput): IccPublicKey {
  const method = input.method ?? "dda";
  const fail = (message: string, path = "tag 9F46"): OdaError =>
    new OdaError(failedReason(method), method, message, { path });
  const { exponent9F47 } = input;
  const cert = openIccCertificate(issuerKey, input.cert9F46, method);
  if (exponent9F47 === undefined || exponent9F47.length === 0) {
    throw new OdaError("icc-data-missing", method, "ICC public key exponent absent", { path: "tag 9F47" });
  }
  const leftmostLength = cert.leftmost.length;
  const needsRemainder = cert.keyLength > leftmostLength;
  const remainder = input.remainder9F48 ?? Buffer.alloc(0);
  if (needsRemainder && remainder.length === 0) {
    throw new OdaError("icc-data-missing", method, "ICC public key remainder absent", { path: "tag 9F48" });
  }
  if (!sha1(cert.body, remainder, exponent9F47, input.staticData).equals(cert.hash)) {
    throw fail("certificate hash mismatch (certificate or static data altered)");
  }
  if (cert.hashAlgorithm !== 0x01) throw fail("hash algorithm is not SHA-1 (01)");
  if (cert.publicKeyAlgorithm !== 0x01) throw fail("public key algorithm is not RSA (01)");
  if (!/^[0-9]+F*$/.test(toHex(cert.pan)) || bcdDigits(cert.pan) !== bcdDigits(input.pan)) {
    throw fail("certificate PAN does not match 5A");
  }
  const expired = certificateExpired(cert.expiry, input.now);
  if (expired === undefined) throw fail(`certificate expiry ${toHex(cert.expiry)} is not a date`);
  if (expired) throw fail(`certificate expired ${toHex(cert.expiry)}`);
  if (cert.exponentLength !== exponent9F47.length) {
    throw fail(
      `certificate exponent length ${cert.exponentLength} ≠ 9F47 length ${exponent9F47.length}`,
      "tag 9F47",
    );
  }
  if (needsRemainder && remainder.length !== cert.keyLength - leftmostLength) {
    throw fail(
      `remainder is ${remainder.length} bytes, key needs ${cert.keyLength - leftmostLength}`,
      "tag 9F48",
    );
  }
  if (cert.keyLength === 0) throw fail("ICC public key length is 0");
  const modulus = needsRemainder
    ? Buffer.concat([cert.leftmost, remainder])
    : Buffer.from(cert.leftmost.subarray(0, cert.keyLength));
  return { modulus, exponent: Buffer.from(exponent9F47), expiry: toHex(cert.expiry), serial: cert.serial };
}
