import { createHash } from "node:crypto";
import { ImageError } from "./image-error.js";
import { encodeManifest, type ImageManifest, validateManifest } from "./manifest.js";

/**
 * A signed firmware image:
 *   "POSIMG1\0" | u32 BE manifest length | manifest (canonical JSON) | payload (archive, manifest.payloadLength
 *   bytes) | u16 BE signature length | signature
 * The signature covers header ‖ manifest ‖ SHA-256(payload): the signer and the terminal hash the 2 MB
 * payload once and the signature primitive only sees a short message.
 * This module only shapes bytes; signing and verifying are node:crypto calls in tools/image and firmware/update.
 */
export const IMAGE_MAGIC = Buffer.from("POSIMG1\0", "latin1");
const HEADER_LENGTH = IMAGE_MAGIC.length + 4;
const MAX_MANIFEST = 16 * 1024;
const MAX_SIGNATURE = 1024;

/** The manifest fields the builder chooses; payload hash and length come from the payload. */
export type ManifestInput = Omit<ImageManifest, "payloadSha256" | "payloadLength">;

/** Everything of an image but its signature, with the exact bytes to sign. */
export interface UnsignedImage {
  manifest: ImageManifest;
  header: Buffer;
  manifestBytes: Buffer;
  payload: Buffer;
  /** header ‖ manifest ‖ SHA-256(payload): the message the signature is over. */
  signedMessage: Buffer;
}

export interface ParsedImage extends UnsignedImage {
  signature: Buffer;
}

/** Lays out header, manifest and payload and returns the message to sign. */
export function prepareImage(input: ManifestInput, payload: Buffer): UnsignedImage {
  const payloadHash = sha256(payload);
  const manifest = validateManifest({
    ...input,
    payloadSha256: payloadHash.toString("hex"),
    payloadLength: payload.length,
  });
  const manifestBytes = encodeManifest(manifest);
  if (manifestBytes.length > MAX_MANIFEST) {
    throw new ImageError(`is ${manifestBytes.length} bytes, over ${MAX_MANIFEST}`, { path: "manifest" });
  }
  const header = Buffer.alloc(HEADER_LENGTH);
  IMAGE_MAGIC.copy(header);
  header.writeUInt32BE(manifestBytes.length, IMAGE_MAGIC.length);
  return {
    manifest,
    header,
    manifestBytes,
    payload,
    signedMessage: Buffer.concat([header, manifestBytes, payloadHash]),
  };
}

/** Appends the signature the caller made over `image.signedMessage`. */
export function sealImage(image: UnsignedImage, signature: Uint8Array): Buffer {
  if (signature.length === 0 || signature.length > MAX_SIGNATURE) {
    throw new ImageError(`length ${signature.length} is not 1..${MAX_SIGNATURE}`, { path: "signature" });
  }
  const length = Buffer.alloc(2);
  length.writeUInt16BE(signature.length);
  return Buffer.concat([image.header, image.manifestBytes, image.payload, length, signature]);
}

/**
 * Parses an image and checks the payload against the manifest's hash. It does NOT check the signature:
 * the caller verifies `signature` over `signedMessage` with the key named by `manifest.keyId`.
 */
export function parseImage(input: Uint8Array): ParsedImage {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const need = (offset: number, n: number, path: string): void => {
    if (offset + n > bytes.length) {
      throw new ImageError(
        `needs ${n} bytes, image has ${Math.max(0, bytes.length - offset)} left (truncated?)`,
        {
          path,
          offset,
        },
      );
    }
  };
  const lead = Math.min(bytes.length, IMAGE_MAGIC.length);
  if (!bytes.subarray(0, lead).equals(IMAGE_MAGIC.subarray(0, lead))) {
    throw new ImageError('is not "POSIMG1\\0": not a firmware image', { path: "magic", offset: 0 });
  }
  need(0, IMAGE_MAGIC.length, "magic");
  need(IMAGE_MAGIC.length, 4, "manifestLength");
  const manifestLength = bytes.readUInt32BE(IMAGE_MAGIC.length);
  if (manifestLength === 0 || manifestLength > MAX_MANIFEST) {
    throw new ImageError(`${manifestLength} is not 1..${MAX_MANIFEST}`, {
      path: "manifestLength",
      offset: IMAGE_MAGIC.length,
    });
  }
  need(HEADER_LENGTH, manifestLength, "manifest");
  const manifestBytes = bytes.subarray(HEADER_LENGTH, HEADER_LENGTH + manifestLength);
  const manifest = validateManifest(parseJson(manifestBytes));
  if (!encodeManifest(manifest).equals(manifestBytes)) {
    // One manifest, one byte string: no second encoding of the same fields can carry a signature.
    throw new ImageError("is not in canonical form", { path: "manifest", offset: HEADER_LENGTH });
  }
  const payloadOffset = HEADER_LENGTH + manifestLength;
  need(payloadOffset, manifest.payloadLength, "payload");
  const payload = bytes.subarray(payloadOffset, payloadOffset + manifest.payloadLength);
  const payloadHash = sha256(payload);
  if (payloadHash.toString("hex") !== manifest.payloadSha256) {
    throw new ImageError("does not match the payload (corrupted image)", {
      path: "manifest.payloadSha256",
      offset: payloadOffset,
    });
  }
  const signatureOffset = payloadOffset + manifest.payloadLength;
  need(signatureOffset, 2, "signatureLength");
  const signatureLength = bytes.readUInt16BE(signatureOffset);
  if (signatureLength === 0 || signatureLength > MAX_SIGNATURE) {
    throw new ImageError(`${signatureLength} is not 1..${MAX_SIGNATURE}`, {
      path: "signatureLength",
      offset: signatureOffset,
    });
  }
  need(signatureOffset + 2, signatureLength, "signature");
  const end = signatureOffset + 2 + signatureLength;
  if (end !== bytes.length) {
    throw new ImageError(`${bytes.length - end} bytes after the signature`, { path: "image", offset: end });
  }
  const header = bytes.subarray(0, HEADER_LENGTH);
  return {
    manifest,
    header,
    manifestBytes,
    payload,
    signedMessage: Buffer.concat([header, manifestBytes, payloadHash]),
    signature: bytes.subarray(signatureOffset + 2, end),
  };
}

function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(bytes)) {
    throw new ImageError("is not valid UTF-8", { path: "manifest", offset: HEADER_LENGTH });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ImageError("is not valid JSON", { path: "manifest", offset: HEADER_LENGTH, cause: error });
  }
}

function sha256(data: Uint8Array): Buffer {
  return createHash("sha256").update(data).digest();
}
