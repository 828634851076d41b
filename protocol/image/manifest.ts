import { ImageError } from "./image-error.js";
import { parseVersion } from "./version.js";

export const SIGNATURE_ALGORITHMS = ["ecdsa-p256-sha256", "rsa-pss-sha256"] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** What the image says about itself. Signed together with the header and the payload hash. */
export interface ImageManifest {
  name: string;
  version: string;
  /** Node's `${platform}-${arch}`, e.g. "linux-arm64", "linux-x64". */
  arch: string;
  /** ISO 8601 UTC, when the image was built. */
  createdAt: string;
  /** Lowercase hex SHA-256 of the payload archive. */
  payloadSha256: string;
  payloadLength: number;
  signatureAlgorithm: SignatureAlgorithm;
  /** First 16 hex of SHA-256(SPKI) of the signing key: picks the trusted key on the terminal. */
  keyId: string;
}

const FIELDS = [
  "name",
  "version",
  "arch",
  "createdAt",
  "payloadSha256",
  "payloadLength",
  "signatureAlgorithm",
  "keyId",
] as const;

const NAME = /^[A-Za-z0-9@._/-]{1,214}$/;
const ARCH = /^[a-z0-9]+-[a-z0-9_]+$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const KEY_ID = /^[0-9a-f]{16}$/;

/** Checks every field (and that there are no others); throws ImageError naming `manifest.<field>`. */
export function validateManifest(value: unknown): ImageManifest {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ImageError("is not a JSON object", { path: "manifest" });
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new ImageError("unknown field", { path: `manifest.${key}` });
    }
  }
  const text = (field: (typeof FIELDS)[number], pattern: RegExp, what: string): string => {
    const v = record[field];
    if (typeof v !== "string" || !pattern.test(v)) {
      throw new ImageError(`must be ${what}`, { path: `manifest.${field}` });
    }
    return v;
  };
  const name = text("name", NAME, "a package name");
  const version = text("version", /^.{1,64}$/, "a semantic version");
  parseVersion(version);
  const arch = text("arch", ARCH, 'a target like "linux-arm64"');
  const createdAt = text("createdAt", ISO_UTC, "an ISO 8601 UTC time");
  if (Number.isNaN(Date.parse(createdAt))) {
    throw new ImageError("is not a real date", { path: "manifest.createdAt" });
  }
  const payloadSha256 = text("payloadSha256", SHA256_HEX, "64 lowercase hex digits");
  const payloadLength = record.payloadLength;
  if (typeof payloadLength !== "number" || !Number.isSafeInteger(payloadLength) || payloadLength < 0) {
    throw new ImageError("must be a non-negative integer", { path: "manifest.payloadLength" });
  }
  const algorithm = record.signatureAlgorithm;
  if (!SIGNATURE_ALGORITHMS.includes(algorithm as SignatureAlgorithm)) {
    throw new ImageError(`must be one of ${SIGNATURE_ALGORITHMS.join(", ")}`, {
      path: "manifest.signatureAlgorithm",
    });
  }
  const keyId = text("keyId", KEY_ID, "16 lowercase hex digits");
  return {
    name,
    version,
    arch,
    createdAt,
    payloadSha256,
    payloadLength,
    signatureAlgorithm: algorithm as SignatureAlgorithm,
    keyId,
  };
}

/** Canonical bytes of a manifest: fixed field order, no whitespace, UTF-8. */
export function encodeManifest(manifest: ImageManifest): Buffer {
  const ordered = Object.fromEntries(FIELDS.map((field) => [field, manifest[field]]));
  return Buffer.from(JSON.stringify(ordered), "utf8");
}
