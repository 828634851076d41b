import { constants, createPublicKey, publicDecrypt } from "node:crypto";

/** An RSA public key as EMV carries it: big-endian modulus and exponent bytes. */
export interface RsaPublicKey {
  modulus: Buffer;
  exponent: Buffer;
}

/**
 * EMV "recovery": plain x^e mod n, big-endian, no padding (Book 2 §5.1). Returns undefined when the
 * input cannot be a signature under this key (wrong length, ≥ modulus, key refused by OpenSSL); the
 * caller turns that into the right OdaError.
 */
export function rsaRecover(key: RsaPublicKey, signature: Buffer): Buffer | undefined {
  if (signature.length !== key.modulus.length || key.modulus.length === 0) return undefined;
  if (Buffer.compare(signature, key.modulus) >= 0) return undefined;
  try {
    const publicKey = createPublicKey({
      key: { kty: "RSA", n: base64url(key.modulus), e: base64url(key.exponent) },
      format: "jwk",
    });
    const out = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
    // OpenSSL returns exactly the modulus length for NO_PADDING, but be strict about it.
    if (out.length === key.modulus.length) return out;
    const padded = Buffer.alloc(key.modulus.length);
    out.copy(padded, padded.length - out.length);
    return out.length < padded.length ? padded : undefined;
  } catch {
    return undefined;
  }
}

function base64url(bytes: Buffer): string {
  // JWK integers carry no leading zero bytes.
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start).toString("base64url");
}
