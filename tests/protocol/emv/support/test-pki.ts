import { constants, createHash, generateKeyPairSync, type KeyObject, privateDecrypt } from "node:crypto";

/** A raw RSA key pair for building EMV certificates in tests (exponent 3, as EMV CAs use). */
export interface TestKey {
  modulus: Buffer;
  exponent: Buffer;
  privateKey: KeyObject;
}

export function makeKey(bits: number): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: 3 });
  const jwk = publicKey.export({ format: "jwk" });
  return {
    modulus: Buffer.from(jwk.n as string, "base64url"),
    exponent: Buffer.from(jwk.e as string, "base64url"),
    privateKey,
  };
}

/** Raw private-key operation m^d mod n: EMV "signing" of a 6A…BC block. */
export function sign(key: TestKey, block: Buffer): Buffer {
  if (block.length !== key.modulus.length) throw new Error("block length must equal the modulus length");
  return privateDecrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, block);
}

export const sha1 = (...parts: Buffer[]): Buffer => {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  return h.digest();
};

const hex = (text: string): Buffer => Buffer.from(text, "hex");

export interface IssuerCertOptions {
  issuerId?: string;
  expiry?: string;
  serial?: string;
  format?: number;
  header?: number;
  trailer?: number;
  hashAlgorithm?: number;
  pkAlgorithm?: number;
  /** Exponent bytes hashed in (default the issuer key exponent). */
  hashedExponent?: Buffer;
  exponentLength?: number;
}

/** Issuer public key certificate 90 (+ remainder 92) signed by `ca`. */
export function issuerCertificate(ca: TestKey, issuer: TestKey, o: IssuerCertOptions = {}) {
  const nCa = ca.modulus.length;
  const room = nCa - 36;
  const leftmost = Buffer.alloc(room, 0xbb);
  issuer.modulus.copy(leftmost, 0, 0, Math.min(room, issuer.modulus.length));
  const remainder = issuer.modulus.length > room ? issuer.modulus.subarray(room) : Buffer.alloc(0);
  const body = Buffer.concat([
    Buffer.from([o.format ?? 0x02]),
    hex(o.issuerId ?? "622848FF"),
    hex(o.expiry ?? "1230"),
    hex(o.serial ?? "000001"),
    Buffer.from([
      o.hashAlgorithm ?? 1,
      o.pkAlgorithm ?? 1,
      issuer.modulus.length,
      o.exponentLength ?? issuer.exponent.length,
    ]),
    leftmost,
  ]);
  const hash = sha1(body, remainder, o.hashedExponent ?? issuer.exponent);
  const block = Buffer.concat([
    Buffer.from([o.header ?? 0x6a]),
    body,
    hash,
    Buffer.from([o.trailer ?? 0xbc]),
  ]);
  return {
    cert90: sign(ca, block),
    remainder92: remainder.length ? remainder : undefined,
    exponent9F32: issuer.exponent,
  };
}

export interface IccCertOptions {
  pan?: string;
  expiry?: string;
  format?: number;
}

/** ICC public key certificate 9F46 (+ 9F48) signed by the issuer key over the static data. */
export function iccCertificate(issuer: TestKey, icc: TestKey, staticData: Buffer, o: IccCertOptions = {}) {
  const nI = issuer.modulus.length;
  const room = nI - 42;
  const leftmost = Buffer.alloc(room, 0xbb);
  icc.modulus.copy(leftmost, 0, 0, Math.min(room, icc.modulus.length));
  const remainder = icc.modulus.length > room ? icc.modulus.subarray(room) : Buffer.alloc(0);
  const body = Buffer.concat([
    Buffer.from([o.format ?? 0x04]),
    hex(o.pan ?? "6228480402564890FFFF"),
    hex(o.expiry ?? "1230"),
    hex("000002"),
    Buffer.from([1, 1, icc.modulus.length, icc.exponent.length]),
    leftmost,
  ]);
  const hash = sha1(body, remainder, icc.exponent, staticData);
  const block = Buffer.concat([Buffer.from([0x6a]), body, hash, Buffer.from([0xbc])]);
  return {
    cert9F46: sign(issuer, block),
    remainder9F48: remainder.length ? remainder : undefined,
    exponent9F47: icc.exponent,
  };
}

/** Signed static application data 93. */
export function signedStaticData(issuer: TestKey, dac: Buffer, staticData: Buffer, format = 0x03): Buffer {
  const nI = issuer.modulus.length;
  const body = Buffer.concat([Buffer.from([format, 0x01]), dac, Buffer.alloc(nI - 26, 0xbb)]);
  const hash = sha1(body, staticData);
  return sign(issuer, Buffer.concat([Buffer.from([0x6a]), body, hash, Buffer.from([0xbc])]));
}

/** Signed dynamic application data 9F4B over `iccDynamicData`, hashed with `terminalData`. */
export function signedDynamicData(
  icc: TestKey,
  iccDynamicData: Buffer,
  terminalData: Buffer,
  format = 0x05,
): Buffer {
  const nIc = icc.modulus.length;
  const body = Buffer.concat([
    Buffer.from([format, 0x01, iccDynamicData.length]),
    iccDynamicData,
    Buffer.alloc(nIc - iccDynamicData.length - 25, 0xbb),
  ]);
  const hash = sha1(body, terminalData);
  return sign(icc, Buffer.concat([Buffer.from([0x6a]), body, hash, Buffer.from([0xbc])]));
}

/** Flips the last bit of a copy. */
export function corrupt(data: Buffer, at = data.length - 1): Buffer {
  const copy = Buffer.from(data);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}
