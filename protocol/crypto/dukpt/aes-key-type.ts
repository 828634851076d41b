import { DukptError } from "./dukpt-error.js";

/**
 * Key types and key usages of ANSI X9.24-3:2017 AES DUKPT, with the codes that go into the
 * derivation data. HMAC working keys are left out: no vectors for them were available.
 */
export type AesDukptKeyType = "tdes2" | "tdes3" | "aes128" | "aes192" | "aes256";

interface KeyTypeInfo {
  /** Algorithm indicator in the derivation data. */
  readonly algorithm: number;
  /** Derived key length in bits (also written into the derivation data). */
  readonly bits: number;
  /** Ordering of strength: a working key may not be stronger than the key it comes from. */
  readonly rank: number;
}

export const AES_DUKPT_KEY_TYPES: Readonly<Record<AesDukptKeyType, KeyTypeInfo>> = {
  tdes2: { algorithm: 0x0000, bits: 128, rank: 0 },
  tdes3: { algorithm: 0x0001, bits: 192, rank: 1 },
  aes128: { algorithm: 0x0002, bits: 128, rank: 2 },
  aes192: { algorithm: 0x0003, bits: 192, rank: 3 },
  aes256: { algorithm: 0x0004, bits: 256, rank: 4 },
};

/**
 * Working-key usages. Request/response naming of X9.24-3 maps onto them as: request MAC =
 * "mac-generation", response MAC = "mac-verification", request data = "data-encryption",
 * response data = "data-decryption".
 */
export type AesDukptKeyUsage =
  | "pin-encryption"
  | "mac-generation"
  | "mac-verification"
  | "mac-both"
  | "data-encryption"
  | "data-decryption"
  | "data-both";

export const AES_DUKPT_USAGE_CODES: Readonly<Record<AesDukptKeyUsage, number>> = {
  "pin-encryption": 0x1000,
  "mac-generation": 0x2000,
  "mac-verification": 0x2001,
  "mac-both": 0x2002,
  "data-encryption": 0x3000,
  "data-decryption": 0x3001,
  "data-both": 0x3002,
};

/** Usage codes of the key-derivation keys themselves. */
export const AES_DUKPT_DERIVATION_USAGE = 0x8000;
export const AES_DUKPT_INITIAL_KEY_USAGE = 0x8001;

/** The derivation-key type an AES BDK, initial key or transaction key of this length has. */
export function aesDerivationKeyType(key: Buffer, path = "key"): AesDukptKeyType {
  switch (key.length) {
    case 16:
      return "aes128";
    case 24:
      return "aes192";
    case 32:
      return "aes256";
    default:
      throw new DukptError(`AES DUKPT derivation key must be 16, 24 or 32 bytes, got ${key.length}`, {
        path,
      });
  }
}

export function aesKeyTypeInfo(type: AesDukptKeyType): KeyTypeInfo {
  const info = AES_DUKPT_KEY_TYPES[type];
  if (info === undefined)
    throw new DukptError(`unknown AES DUKPT key type ${String(type)}`, { path: "keyType" });
  return info;
}
