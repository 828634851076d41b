import { createPublicKey, KeyObject } from "node:crypto";
import { keyIdOf } from "../../protocol/image/index.js";

/** A public key the terminal accepts images from, indexed by the key id images name. */
export interface TrustedKey {
  keyId: string;
  key: KeyObject;
}

/** Key id of a public key (or of the public half of a private key). */
export function keyIdOfKey(key: KeyObject): string {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  return keyIdOf(publicKey.export({ type: "spki", format: "der" }));
}

/** Reads a public key (PEM or DER SPKI bytes) into a TrustedKey. */
export function trustedKeyFrom(bytes: Buffer | KeyObject): TrustedKey {
  const key =
    bytes instanceof KeyObject
      ? bytes
      : createPublicKey(bytes.includes("-----BEGIN") ? bytes : { key: bytes, format: "der", type: "spki" });
  return { keyId: keyIdOfKey(key), key };
}
