import { constants, type KeyObject, type SigningOptions } from "node:crypto";
import type { SignatureAlgorithm } from "../../protocol/image/index.js";

/**
 * The two image signature schemes over SHA-256. ECDSA P-256 signatures are DER; RSA-PSS uses MGF1-SHA-256
 * with a 32-byte salt (the digest length), the choice most HSMs and openssl default to for PSS-SHA256.
 */
export function algorithmForKey(key: KeyObject): SignatureAlgorithm | undefined {
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") {
    return "ecdsa-p256-sha256";
  }
  if (key.asymmetricKeyType === "rsa" || key.asymmetricKeyType === "rsa-pss") return "rsa-pss-sha256";
  return undefined;
}

/** node:crypto sign/verify key input for `algorithm` (the digest is always "sha256"). */
export function signatureKeyInput(
  key: KeyObject,
  algorithm: SignatureAlgorithm,
): SigningOptions & { key: KeyObject } {
  return algorithm === "ecdsa-p256-sha256"
    ? { key, dsaEncoding: "der" }
    : { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
}
