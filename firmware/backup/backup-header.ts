import { BackupError } from "./backup-error.js";

/**
 * The clear header of a backup file, authenticated as the AAD of the AES-256-GCM body, so changing any
 * of its bytes (terminal ID, date, KDF parameters, salt, nonce) fails the tag like a change to the body:
 *
 *   off  len  field
 *   0    6    magic "POSBAK"
 *   6    1    version (1)
 *   7    1    log2 of scrypt N
 *   8    1    scrypt r
 *   9    1    scrypt p
 *   10   16   scrypt salt
 *   26   12   GCM nonce
 *   38   1    length L of the terminal ID (1..32), then L ASCII bytes
 *   .    1    length M of the creation time (1..40), then M ASCII bytes (ISO 8601 UTC)
 *
 * followed by the ciphertext and the 16-byte GCM tag.
 */
export const BACKUP_MAGIC = Buffer.from("POSBAK", "ascii");
export const BACKUP_VERSION = 1;
export const KDF_SALT_BYTES = 16;
export const GCM_NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;
/** Bounds on the KDF parameters a header may ask for: a forged header must not exhaust the board. */
const LOG2_N = { min: 10, max: 20 };
const MAX_R = 16;
const MAX_P = 4;

export interface BackupHeader {
  version: number;
  kdf: { N: number; r: number; p: number };
  salt: Buffer;
  nonce: Buffer;
  terminalId: string;
  createdAt: string;
}

export function encodeHeader(header: BackupHeader): Buffer {
  const log2 = Math.log2(header.kdf.N);
  if (!Number.isInteger(log2) || log2 < LOG2_N.min || log2 > LOG2_N.max) {
    throw new RangeError(`scrypt N must be 2^${LOG2_N.min}..2^${LOG2_N.max}`);
  }
  if (header.kdf.r < 1 || header.kdf.r > MAX_R || header.kdf.p < 1 || header.kdf.p > MAX_P) {
    throw new RangeError(`scrypt r must be 1..${MAX_R} and p 1..${MAX_P}`);
  }
  const tid = ascii(header.terminalId, 32, "terminal ID");
  const created = ascii(header.createdAt, 40, "creation time");
  return Buffer.concat([
    BACKUP_MAGIC,
    Buffer.from([header.version, log2, header.kdf.r, header.kdf.p]),
    header.salt,
    header.nonce,
    Buffer.from([tid.length]),
    tid,
    Buffer.from([created.length]),
    created,
  ]);
}

/** Reads the header; anything malformed is an integrity failure. Returns it and its length. */
export function decodeHeader(file: Buffer): { header: BackupHeader; length: number } {
  const bad = (what: string): never => {
    throw new BackupError("integrity", `not a backup file of this terminal type (${what})`);
  };
  const fixed = BACKUP_MAGIC.length + 4 + KDF_SALT_BYTES + GCM_NONCE_BYTES;
  if (file.length < fixed + 2 + GCM_TAG_BYTES) bad("too short");
  if (!file.subarray(0, BACKUP_MAGIC.length).equals(BACKUP_MAGIC)) bad("magic");
  let offset = BACKUP_MAGIC.length;
  const version = file[offset++]!;
  if (version !== BACKUP_VERSION) bad(`version ${version}`);
  const log2 = file[offset++]!;
  const r = file[offset++]!;
  const p = file[offset++]!;
  if (log2 < LOG2_N.min || log2 > LOG2_N.max || r < 1 || r > MAX_R || p < 1 || p > MAX_P)
    bad("KDF parameters");
  const salt = file.subarray(offset, offset + KDF_SALT_BYTES);
  offset += KDF_SALT_BYTES;
  const nonce = file.subarray(offset, offset + GCM_NONCE_BYTES);
  offset += GCM_NONCE_BYTES;
  const readText = (max: number, what: string): string => {
    const length = file[offset++] ?? 0;
    if (length < 1 || length > max || offset + length > file.length - GCM_TAG_BYTES) bad(what);
    const bytes = file.subarray(offset, offset + length);
    offset += length;
    for (const byte of bytes) if (byte < 0x20 || byte > 0x7e) bad(what);
    return bytes.toString("ascii");
  };
  const terminalId = readText(32, "terminal ID");
  const createdAt = readText(40, "creation time");
  if (file.length < offset + GCM_TAG_BYTES) bad("too short");
  return {
    header: { version, kdf: { N: 2 ** log2, r, p }, salt, nonce, terminalId, createdAt },
    length: offset,
  };
}

function ascii(text: string, max: number, what: string): Buffer {
  if (!/^[\x20-\x7e]+$/.test(text) || text.length > max)
    throw new RangeError(`${what} must be 1..${max} ASCII characters`);
  return Buffer.from(text, "ascii");
}
