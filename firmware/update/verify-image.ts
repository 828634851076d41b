import { verify } from "node:crypto";
import { ImageError, type ParsedImage, parseImage } from "../../protocol/image/index.js";
import { algorithmForKey, signatureKeyInput } from "./signature.js";
import type { TrustedKey } from "./trusted-keys.js";
import { UpdateError } from "./update-error.js";

/**
 * Parses an image and checks its signature against the trusted keys. Throws UpdateError with reason
 * "malformed" (truncated, corrupted, not an image), "unknown-key" (no trusted key has the image's key id),
 * "wrong-key" (the trusted key is not of the image's signature algorithm) or "bad-signature".
 */
export function verifyImage(bytes: Uint8Array, trustedKeys: readonly TrustedKey[]): ParsedImage {
  let image: ParsedImage;
  try {
    image = parseImage(bytes);
  } catch (error) {
    if (error instanceof ImageError) throw new UpdateError("malformed", error.message, { cause: error });
    throw error;
  }
  const { keyId, signatureAlgorithm } = image.manifest;
  const trusted = trustedKeys.find((candidate) => candidate.keyId === keyId);
  if (!trusted) throw new UpdateError("unknown-key", `key id ${keyId} is not a trusted firmware key`);
  if (algorithmForKey(trusted.key) !== signatureAlgorithm) {
    throw new UpdateError("wrong-key", `key ${keyId} cannot check a ${signatureAlgorithm} signature`);
  }
  let good = false;
  try {
    good = verify(
      "sha256",
      image.signedMessage,
      signatureKeyInput(trusted.key, signatureAlgorithm),
      image.signature,
    );
  } catch {
    good = false; // A signature that is not even DER is as bad as a wrong one.
  }
  if (!good) throw new UpdateError("bad-signature", `signature does not verify with key ${keyId}`);
  return image;
}
