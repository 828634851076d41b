import { type TrustedKey, UpdateError, verifyImage } from "../../firmware/update/index.js";
import { ImageError, type ImageManifest, unpackArchive } from "../../protocol/image/index.js";

/** An engineer's verdict on an image: good (with its manifest and file count) or bad (with the reason). */
export type ImageVerdict =
  | { ok: true; manifest: ImageManifest; files: number }
  | { ok: false; reason: string; message: string };

/**
 * Checks structure, payload hash, signature and archive against `keys`, as the terminal does before
 * installing (the terminal also checks target and anti-rollback, which depend on the board).
 */
export function verifyImageBytes(bytes: Uint8Array, keys: readonly TrustedKey[]): ImageVerdict {
  try {
    const image = verifyImage(bytes, keys);
    return { ok: true, manifest: image.manifest, files: unpackArchive(image.payload).length };
  } catch (error) {
    if (error instanceof UpdateError) return { ok: false, reason: error.reason, message: error.message };
    if (error instanceof ImageError) return { ok: false, reason: "malformed", message: error.message };
    throw error;
  }
}
