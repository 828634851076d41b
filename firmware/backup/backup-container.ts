import { createHash } from "node:crypto";
import { BackupError } from "./backup-error.js";

/**
 * The plaintext inside a backup: a small container of our own (no tar: nothing to unpack outside the
 * terminal's control, no paths to traverse).
 *
 *   "PBC1" ‖ u32 BE manifest length ‖ manifest (UTF-8 JSON) ‖ entry bytes, in manifest order
 *
 * The manifest lists each entry's name, size and SHA-256 (a second check on our own packing; the GCM
 * tag already authenticates everything) plus what the backup says about itself (terminal, counters).
 */
const CONTAINER_MAGIC = Buffer.from("PBC1", "ascii");
const ENTRY_NAMES = ["journal.db", "terminal.json"] as const;
export type EntryName = (typeof ENTRY_NAMES)[number];

export interface BackupCounters {
  /** The STAN the terminal would use next (Journal.peekStan). */
  stan: string;
  /** The current batch number. */
  batch: string;
}

export interface BackupManifest {
  format: 1;
  terminalId: string;
  createdAt: string;
  counters: BackupCounters;
  /** Journal row counts, for the operator's confirmation screen. */
  transactions: number;
  settlementRuns: number;
  entries: { name: EntryName; size: number; sha256: string }[];
}

export function packContainer(
  manifest: Omit<BackupManifest, "entries" | "format">,
  entries: Partial<Record<EntryName, Buffer>>,
): Buffer {
  const present = ENTRY_NAMES.filter((name) => entries[name] !== undefined);
  const full: BackupManifest = {
    format: 1,
    ...manifest,
    entries: present.map((name) => ({
      name,
      size: entries[name]!.length,
      sha256: createHash("sha256").update(entries[name]!).digest("hex"),
    })),
  };
  const json = Buffer.from(JSON.stringify(full), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([CONTAINER_MAGIC, length, json, ...present.map((name) => entries[name]!)]);
}

export function unpackContainer(plain: Buffer): {
  manifest: BackupManifest;
  entries: Map<EntryName, Buffer>;
} {
  const bad = (what: string): never => {
    throw new BackupError("integrity", `the backup's contents are malformed (${what})`);
  };
  if (plain.length < 8 || !plain.subarray(0, 4).equals(CONTAINER_MAGIC)) bad("container magic");
  const length = plain.readUInt32BE(4);
  if (8 + length > plain.length) bad("manifest length");
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(plain.subarray(8, 8 + length).toString("utf8")) as BackupManifest;
  } catch {
    return bad("manifest JSON");
  }
  if (manifest?.format !== 1 || !Array.isArray(manifest.entries)) bad("manifest format");
  const entries = new Map<EntryName, Buffer>();
  let offset = 8 + length;
  for (const entry of manifest.entries) {
    if (!ENTRY_NAMES.includes(entry.name) || entries.has(entry.name)) bad(`entry name ${String(entry.name)}`);
    if (!Number.isSafeInteger(entry.size) || entry.size < 0 || offset + entry.size > plain.length)
      bad(`${entry.name} size`);
    const bytes = plain.subarray(offset, offset + entry.size);
    if (createHash("sha256").update(bytes).digest("hex") !== entry.sha256) bad(`${entry.name} checksum`);
    entries.set(entry.name, bytes);
    offset += entry.size;
  }
  if (offset !== plain.length) bad("trailing bytes");
  return { manifest, entries };
}
