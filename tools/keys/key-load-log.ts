import { appendFileSync, chmodSync, existsSync, readFileSync } from "node:fs";

/**
 * One line of `key-loads.jsonl`: which key (by check value and key block header) went to which
 * terminal. Never the key, never the block's encrypted part.
 */
export interface KeyLoadRecord {
  time: string;
  terminalId: string;
  slot: "tmk" | "dukpt";
  kcv: string;
  /** The TR-31 header (fixed part and optional blocks), clear text by design of the format. */
  header: string;
  /** DUKPT: the initial KSN loaded. */
  ksn?: string;
}

export const KEY_LOAD_LOG = "key-loads.jsonl";

/** Appends records, one JSON line each; the file is kept 0600 (created so, and re-tightened). */
export function appendKeyLoads(path: string, records: readonly KeyLoadRecord[]): void {
  const text = records.map((r) => `${JSON.stringify(r)}\n`).join("");
  appendFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function readKeyLoads(path: string): KeyLoadRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as KeyLoadRecord);
}
