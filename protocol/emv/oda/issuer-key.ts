import { toHex } from "../../hex.js";
import type { OdaMethod } from "../aip.js";
import { bcdDigits, certificateExpired, sha1, type TransactionDate } from "./cert-checks.js";
import { failedReason, OdaError } from "./oda-error.js";
import { type RsaPublicKey, rsaRecover } from "./rsa-recover.js";

export interface IssuerCertificateInput {
  /** Issuer public key certificate (90). */
  cert90: Buffer | undefined;
  /** Issuer public key remainder (92), needed only when the key does not fit the certificate. */
  remainder92?: Buffer | undefined;
  /** Issuer public key exponent (9F32). */
  exponent9F32: Buffer | undefined;
  /** Application PAN (5A) as read from the card, cn with F padding. */
  pan: Buffer;
  /** Transaction date. */
  now: TransactionDate;
  /** Which ODA method this recovery serves: decides the TVR bit a failure sets. Default "sda". */
  method?: OdaMethod;
  /** Certification revocation list check on the certificate serial (RID and index are the caller's). */
  isRevoked?: (serial: Buffer) => boolean;
}

export interface IssuerPublicKey extends RsaPublicKey {
  /** Issuer identifier: 3–8 leftmost PAN digits. */
  issuerId: string;
  /** Certificate expiry MMYY as 4 digits. */
  expiry: string;
  /** Certificate serial number (3 bytes). */
  serial: Buffer;
}

/**
 * Recovers the issuer public key from 90 with the CA key (EMV Book 2 §5.3 / §6.3): length, header 6A,
 * format 02, trailer BC, SHA-1 over format…leftmost ‖ 92 ‖ 9F32, issuer identifier vs PAN, expiry,
 * revocation, algorithm indicators, remainder and exponent consistency.
 */
export function recoverIssuerPublicKey(capk: RsaPublicKey, input: IssuerCertificateInput): IssuerPublicKey {
  const method = input.method ?? "sda";
  const fail = (message: string, path = "tag 90"): OdaError =>
    new OdaError(failedReason(method), method, message, { path });
  const { cert90, exponent9F32 } = input;
  if (cert90 === undefined || cert90.length === 0) {
    throw new OdaError("icc-data-missing", method, "issuer public key certificate absent", {
      path: "tag 90",
    });
  }
  if (exponent9F32 === undefined || exponent9F32.length === 0) {
    throw new OdaError("icc-data-missing", method, "issuer public key exponent absent", {
      path: "tag 9F32",
    });
  }
  const nCa = capk.modulus.length;
  if (cert90.length !== nCa) throw fail(`certificate is ${cert90.length} bytes, CA key is ${nCa}`);
  const recovered = rsaRecover(capk, cert90);
  if (recovered === undefined) throw fail("certificate cannot be recovered with this CA key");
  if (recovered[0] !== 0x6a) throw fail(`recovered header ${hexByte(recovered[0]!)} is not 6A`);
  if (recovered[nCa - 1] !== 0xbc) throw fail(`recovered trailer ${hexByte(recovered[nCa - 1]!)} is not BC`);
  if (recovered[1] !== 0x02) throw fail(`certificate format ${hexByte(recovered[1]!)} is not 02`);

  const leftmostLength = nCa - 36;
  const body = recovered.subarray(1, 15 + leftmostLength);
  const hash = recovered.subarray(15 + leftmostLength, nCa - 1);
  const keyLength = recovered[13]!;
  const exponentLength = recovered[14]!;
  const needsRemainder = keyLength > leftmostLength;
  const remainder = input.remainder92 ?? Buffer.alloc(0);
  if (needsRemainder && remainder.length === 0) {
    throw new OdaError("icc-data-missing", method, "issuer public key remainder absent", { path: "tag 92" });
  }
  if (!sha1(body, remainder, exponent9F32).equals(hash)) throw fail("certificate hash mismatch");
  if (recovered[11] !== 0x01) throw fail(`hash algorithm ${hexByte(recovered[11]!)} is not SHA-1 (01)`);
  if (recovered[12] !== 0x01) throw fail(`public key algorithm ${hexByte(recovered[12]!)} is not RSA (01)`);

  const issuerId = bcdDigits(recovered.subarray(2, 6));
  const panDigits = bcdDigits(input.pan);
  if (!validIssuerId(recovered.subarray(2, 6)) || !panDigits.startsWith(issuerId)) {
    throw fail("issuer identifier does not match the PAN");
  }
  const expiry = recovered.subarray(6, 8);
  const expired = certificateExpired(expiry, input.now);
  if (expired === undefined) throw fail(`certificate expiry ${toHex(expiry)} is not a date`);
  if (expired) throw fail(`certificate expired ${toHex(expiry)}`);
  const serial = Buffer.from(recovered.subarray(8, 11));
  if (input.isRevoked?.(serial)) throw fail(`certificate serial ${toHex(serial)} is revoked`);
  if (exponentLength !== exponent9F32.length) {
    throw fail(
      `certificate exponent length ${exponentLength} ≠ 9F32 length ${exponent9F32.length}`,
      "tag 9F32",
    );
  }
  if (needsRemainder && remainder.length !== keyLength - leftmostLength) {
    throw fail(`remainder is ${remainder.length} bytes, key needs ${keyLength - leftmostLength}`, "tag 92");
  }
  if (keyLength === 0) throw fail("issuer public key length is 0");
  const modulus = needsRemainder
    ? Buffer.concat([recovered.subarray(15, 15 + leftmostLength), remainder])
    : Buffer.from(recovered.subarray(15, 15 + keyLength));
  return { modulus, exponent: Buffer.from(exponent9F32), issuerId, expiry: toHex(expiry), serial };
}

/** 3–8 BCD digits then F padding only (Book 2 table 6). */
function validIssuerId(value: Buffer): boolean {
  return /^[0-9]{3,8}F*$/.test(toHex(value));
}

function hexByte(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
