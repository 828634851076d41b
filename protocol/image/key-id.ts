import { createHash } from "node:crypto";

/** Key id of a signing key: SHA-256 of its SubjectPublicKeyInfo DER, first 16 hex digits (lowercase). */
export function keyIdOf(spkiDer: Uint8Array): string {
  return createHash("sha256").update(spkiDer).digest("hex").slice(0, 16);
}
