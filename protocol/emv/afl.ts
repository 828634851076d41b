import { EmvDataError } from "./emv-error.js";

/** One Application File Locator entry (94): records first..last of an SFI, the first `odaRecords` of them signed. */
export interface AflEntry {
  sfi: number;
  firstRecord: number;
  lastRecord: number;
  /** How many records, starting at firstRecord, take part in offline data authentication. */
  odaRecords: number;
}

/** A record the terminal reads, and whether it feeds the static data to be authenticated. */
export interface AflRecord {
  sfi: number;
  record: number;
  oda: boolean;
}

/**
 * Parses and validates an AFL (Book 3 §10.2, emv-utils read-data tests 2/7): 4-byte entries, SFI 1–30,
 * first record ≥ 1, last ≥ first, ODA count ≤ number of records. Any violation is a malformed AFL and
 * the kernel terminates.
 */
export function parseAfl(value: Buffer): AflEntry[] {
  if (value.length === 0 || value.length % 4 !== 0) {
    throw new EmvDataError(`AFL length ${value.length} is not a non-zero multiple of 4`, {
      path: "tag 94",
    });
  }
  const entries: AflEntry[] = [];
  for (let offset = 0; offset < value.length; offset += 4) {
    const sfiByte = value[offset]!;
    const sfi = sfiByte >> 3;
    const firstRecord = value[offset + 1]!;
    const lastRecord = value[offset + 2]!;
    const odaRecords = value[offset + 3]!;
    const path = `tag 94 entry ${offset / 4 + 1}`;
    if ((sfiByte & 0x07) !== 0) {
      throw new EmvDataError(`SFI byte ${hex(sfiByte)} has low bits set`, { path, offset });
    }
    if (sfi < 1 || sfi > 30) throw new EmvDataError(`SFI ${sfi} outside 1–30`, { path, offset });
    if (firstRecord === 0) {
      throw new EmvDataError("first record is 0", { path, offset: offset + 1 });
    }
    if (lastRecord < firstRecord) {
      throw new EmvDataError(`last record ${lastRecord} before first ${firstRecord}`, {
        path,
        offset: offset + 2,
      });
    }
    if (odaRecords > lastRecord - firstRecord + 1) {
      throw new EmvDataError(`${odaRecords} ODA records but only ${lastRecord - firstRecord + 1} in range`, {
        path,
        offset: offset + 3,
      });
    }
    entries.push({ sfi, firstRecord, lastRecord, odaRecords });
  }
  return entries;
}

/** The READ RECORD sequence an AFL describes, in order. */
export function aflRecords(entries: readonly AflEntry[]): AflRecord[] {
  const records: AflRecord[] = [];
  for (const entry of entries) {
    for (let record = entry.firstRecord; record <= entry.lastRecord; record++) {
      records.push({ sfi: entry.sfi, record, oda: record - entry.firstRecord < entry.odaRecords });
    }
  }
  return records;
}

/** READ RECORD command: `00 B2 record (SFI<<3 | 4) 00`. */
export function readRecordCommand(sfi: number, record: number): Buffer {
  return Buffer.from([0x00, 0xb2, record & 0xff, ((sfi & 0x1f) << 3) | 0x04, 0x00]);
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
