import { createHash } from "node:crypto";
import { exponentOf, modulusOf, type RsaJwk, rsaSignRaw } from "./rsa.js";

/**
 * EMV Book 2 signing, the issuer's and the card's side of offline data authentication: each block is
 * 6A ‖ format ‖ fields ‖ SHA-1 ‖ BC, exactly the signer's modulus long, signed with the raw private
 * operation. The terminal recovers them with the public key (protocol/emv/oda).
 */

const HEADER = 0x6a;
const TRAILER = 0xbc;
const SHA1 = 0x01;
const RSA = 0x01;

function sha1(...parts: Buffer[]): Buffer {
  const hash = createHash("sha1");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** Splits a public key modulus into the part that fits the certificate (BB-padded) and the remainder. */
function splitModulus(modulus: Buffer, room: number): { leftmost: Buffer; remainder: Buffer } {
  if (modulus.length <= room) {
    return {
      leftmost: Buffer.concat([modulus, Buffer.alloc(room - modulus.length, 0xbb)]),
      remainder: Buffer.alloc(0),
    };
  }
  return { leftmost: modulus.subarray(0, room), remainder: Buffer.from(modulus.subarray(room)) };
}

function sign(signer: RsaJwk, body: Buffer, hash: Buffer): Buffer {
  const block = Buffer.concat([Buffer.from([HEADER]), body, hash, Buffer.from([TRAILER])]);
  const length = modulusOf(signer).length;
  if (block.length !== length)
    throw new RangeError(`EMV block is ${block.length} bytes, signer key ${length}`);
  return rsaSignRaw(signer, block);
}

/** Packs digits as cn: BCD, right-padded with F to `bytes` bytes. */
export function cnDigits(digits: string, bytes: number): Buffer {
  return Buffer.from(digits.padEnd(bytes * 2, "F"), "hex");
}

export interface CertifiedKey {
  /** The certificate (90 or 9F46). */
  certificate: Buffer;
  /** Public key remainder (92 or 9F48); empty when the key fits. */
  remainder: Buffer;
  /** Public key exponent (9F32 or 9F47). */
  exponent: Buffer;
}

export interface IssuerCertificateInput {
  /** Issuer identifier: 3..8 leftmost PAN digits. */
  issuerId: string;
  /** Certificate expiry MMYY. */
  expiry: string;
  /** Certificate serial number, 6 hex digits. */
  serial: string;
  issuerKey: RsaJwk;
}

/**
 * A public key certificate (Book 2 tables 6 and 14): format, the holder's identity as cn digits, expiry,
 * serial, algorithm indicators, the leftmost modulus digits (BB-padded), hashed with the remainder, the
 * exponent and any extra data, and signed by the certifying key. The header, hash and trailer take 36
 * bytes of the signer's modulus, plus the identity's length beyond the issuer's 4.
 */
function certify(
  signer: RsaJwk,
  spec: { format: number; id: string; idBytes: number; expiry: string; serial: string; key: RsaJwk },
  extraHashed?: Buffer,
): CertifiedKey {
  const modulus = modulusOf(spec.key);
  const exponent = exponentOf(spec.key);
  const room = modulusOf(signer).length - 32 - spec.idBytes;
  const { leftmost, remainder } = splitModulus(modulus, room);
  const body = Buffer.concat([
    Buffer.from([spec.format]),
    cnDigits(spec.id, spec.idBytes),
    Buffer.from(spec.expiry, "hex"),
    Buffer.from(spec.serial, "hex"),
    Buffer.from([SHA1, RSA, modulus.length, exponent.length]),
    leftmost,
  ]);
  const hash = extraHashed ? sha1(body, remainder, exponent, extraHashed) : sha1(body, remainder, exponent);
  return { certificate: sign(signer, body, hash), remainder, exponent };
}

/** Issuer public key certificate (90, format 02, Book 2 table 6) signed by the CA. */
export function issuerCertificate(ca: RsaJwk, input: IssuerCertificateInput): CertifiedKey {
  const { issuerId, expiry, serial, issuerKey } = input;
  return certify(ca, { format: 0x02, id: issuerId, idBytes: 4, expiry, serial, key: issuerKey });
}

export interface IccCertificateInput {
  pan: string;
  /** Certificate expiry MMYY (normally the card's). */
  expiry: string;
  serial: string;
  iccKey: RsaJwk;
  /** Static data to be authenticated (Book 3 §10.3: ODA records ‖ 9F4A-listed AIP). */
  staticData: Buffer;
}

/** ICC public key certificate (9F46, format 04, Book 2 table 14) signed by the issuer. */
export function iccCertificate(issuer: RsaJwk, input: IccCertificateInput): CertifiedKey {
  const { pan, expiry, serial, iccKey, staticData } = input;
  return certify(issuer, { format: 0x04, id: pan, idBytes: 10, expiry, serial, key: iccKey }, staticData);
}

/** Signed static application data (93, format 03, Book 2 table 7) with data authentication code `dac`. */
export function signedStaticData(issuer: RsaJwk, dac: Buffer, staticData: Buffer): Buffer {
  const nI = modulusOf(issuer).length;
  const body = Buffer.concat([Buffer.from([0x03, SHA1]), dac, Buffer.alloc(nI - 26, 0xbb)]);
  return sign(issuer, body, sha1(body, staticData));
}

/**
 * Signed dynamic application data (9F4B, Book 2 table 17): format 05 (DDA, CDA, qPBOC fDDA) or 95
 * (Visa fDDA), ICC dynamic data, BB padding; the hash also covers `hashedData` (DDOL data for DDA,
 * the unpredictable number for CDA, UN ‖ amount ‖ currency ‖ 9F69 for fDDA).
 */
export function signedDynamicData(
  icc: RsaJwk,
  format: 0x05 | 0x95,
  iccDynamicData: Buffer,
  hashedData: Buffer,
): Buffer {
  const nIc = modulusOf(icc).length;
  const padLength = nIc - iccDynamicData.length - 25;
  if (padLength < 0) throw new RangeError(`ICC dynamic data of ${iccDynamicData.length} bytes does not fit`);
  const body = Buffer.concat([
    Buffer.from([format, SHA1, iccDynamicData.length]),
    iccDynamicData,
    Buffer.alloc(padLength, 0xbb),
  ]);
  return sign(icc, body, sha1(body, hashedData));
}

/** CAPK checksum (Book 2 §11.2.2): SHA-1 over RID ‖ index ‖ modulus ‖ exponent. */
export function capkHash(rid: Buffer, index: number, modulus: Buffer, exponent: Buffer): Buffer {
  return sha1(rid, Buffer.from([index]), modulus, exponent);
}
