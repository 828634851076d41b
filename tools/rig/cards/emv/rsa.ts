import {
  constants,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  privateDecrypt,
  publicEncrypt,
} from "node:crypto";

/** An RSA key pair as the test PKI fixture stores it (JWK, base64url integers). TEST KEYS ONLY. */
export interface RsaJwk {
  kty: "RSA";
  n: string;
  e: string;
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
}

/** Big-endian modulus bytes of a JWK. */
export function modulusOf(jwk: { n: string }): Buffer {
  return Buffer.from(jwk.n, "base64url");
}

/** Big-endian public exponent bytes of a JWK (03 or 010001). */
export function exponentOf(jwk: { e: string }): Buffer {
  return Buffer.from(jwk.e, "base64url");
}

/**
 * The card's / issuer's / CA's private operation: x^d mod n, no padding (EMV Book 2 §5.1 "signature").
 * The block must be exactly the modulus length and below the modulus (EMV blocks start 6A, moduli ≥ 80).
 */
export function rsaSignRaw(jwk: RsaJwk, block: Buffer): Buffer {
  const key = createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });
  return leftPad(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, block), modulusOf(jwk).length);
}

/** The public operation x^e mod n, no padding: "recovery" of a signature or encipherment of a PIN. */
export function rsaPublicRaw(modulus: Buffer, exponent: Buffer, block: Buffer): Buffer {
  const key = createPublicKey({
    key: { kty: "RSA", n: trim(modulus).toString("base64url"), e: trim(exponent).toString("base64url") },
    format: "jwk",
  });
  return leftPad(publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, block), modulus.length);
}

function trim(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

function leftPad(bytes: Buffer, length: number): Buffer {
  if (bytes.length >= length) return bytes;
  const out = Buffer.alloc(length);
  bytes.copy(out, length - bytes.length);
  return out;
}
