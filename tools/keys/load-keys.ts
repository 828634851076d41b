import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../drivers/storage/atomic-file.js";
import { storageLayout } from "../../firmware/admin/index.js";
import { FileSecureElement } from "../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../firmware/keys/key-store.js";
import { verifyKeyCheckValue } from "../../protocol/crypto/kcv.js";
import { assertUsage } from "../../protocol/crypto/tr31/assert-usage.js";
import { parseTr31Header } from "../../protocol/crypto/tr31/header.js";
import { unwrapTr31 } from "../../protocol/crypto/tr31/unwrap.js";
import { fromHex, toHex } from "../../protocol/hex.js";
import { KeyLoadError } from "./key-load-error.js";
import { appendKeyLoads, KEY_LOAD_LOG, type KeyLoadRecord } from "./key-load-log.js";
import type { KeyLoadingBlock, KeyLoadingFile, KeyLoadSlot } from "./key-loading-file.js";

/** What each slot accepts: the TMK is a TDES key-encryption key, DUKPT an initial key (B1). */
const SLOT_RULES = {
  tmk: { usage: "K0", algorithm: "T", modes: ["D", "B"] },
  dukpt: { usage: "B1", algorithm: ["T", "A"] },
} as const;

/** KBPK lengths each binding method takes (B: TDES, D: AES). */
const KBPK_LENGTHS: Record<string, readonly number[]> = { B: [16, 24], D: [16, 24, 32] };

export interface LoadKeysOptions {
  /** The terminal's storage directory (keys/ and key-loads.jsonl live here). */
  storageDir: string;
  /** The ID of the terminal being loaded: the file must be for this one. */
  terminalId: string;
  kbpk: Buffer;
  file: KeyLoadingFile;
  clock?: () => Date;
}

export interface LoadedKey {
  slot: KeyLoadSlot;
  kcv: string;
  header: string;
  ksn?: string;
}

function slotError(slot: KeyLoadSlot, index: number, message: string): KeyLoadError {
  return new KeyLoadError(`blocks[${index}] (${slot}): ${message}; nothing was loaded`);
}

/**
 * Opens one block to check it fits its slot and its check value matches; the clear key is zeroised
 * before returning. Every block is checked before any is loaded, so a bad one refuses the whole file.
 */
function checkBlock(kbpk: Buffer, block: KeyLoadingBlock, index: number): LoadedKey {
  const header = parseTr31Header(block.tr31);
  const lengths = KBPK_LENGTHS[header.version];
  if (lengths && !lengths.includes(kbpk.length)) {
    throw slotError(
      block.slot,
      index,
      `a ${kbpk.length}-byte KBPK cannot open a version ${header.version} block (needs ${lengths.join(", ")} bytes)`,
    );
  }
  const { key } = unwrapTr31(kbpk, block.tr31);
  try {
    try {
      assertUsage(header, SLOT_RULES[block.slot]);
    } catch (error) {
      throw slotError(block.slot, index, `wrong key for the slot: ${(error as Error).message}`);
    }
    if (block.slot === "tmk" && key.length !== 16 && key.length !== 24) {
      throw slotError(block.slot, index, `TMK must be a 16- or 24-byte TDES key, got ${key.length} bytes`);
    }
    if (
      block.slot === "dukpt" &&
      !block.ksn &&
      !header.optionalBlocks.some((b) => b.id === "KS" || b.id === "IK")
    ) {
      throw slotError(block.slot, index, "no KSN: give ksn or a KS/IK optional block");
    }
    const expected = fromHex(block.kcv, `blocks[${index}].kcv`);
    const aes = header.algorithm === "A";
    if (!verifyKeyCheckValue(aes ? "aes" : "tdes", key, expected, aes ? "cmac" : "zero-block")) {
      throw slotError(block.slot, index, `check value ${block.kcv.toUpperCase()} does not match the key`);
    }
    const loaded: LoadedKey = {
      slot: block.slot,
      kcv: toHex(expected),
      header: block.tr31.slice(0, header.headerLength),
    };
    if (block.ksn) loaded.ksn = block.ksn.toUpperCase();
    return loaded;
  } finally {
    key.fill(0);
  }
}

/**
 * Loads a key-loading file into the terminal's key store: terminal ID, KBPK length, each block's key
 * usage and check value are checked first; only then are the keys loaded. Should loading itself fail
 * half-way, the previous key store file is put back. Each loaded key is recorded (check value and
 * header) in `<storageDir>/key-loads.jsonl`.
 */
export function loadKeys(options: LoadKeysOptions): LoadedKey[] {
  const { file, kbpk } = options;
  if (file.terminalId !== options.terminalId) {
    throw new KeyLoadError(
      `key-loading file is for terminal ${file.terminalId}, this is ${options.terminalId}; nothing was loaded`,
    );
  }
  if (![16, 24, 32].includes(kbpk.length)) {
    throw new KeyLoadError(`KBPK must be 16, 24 or 32 bytes, got ${kbpk.length}; nothing was loaded`);
  }
  const checked = file.blocks.map((block, i) => checkBlock(kbpk, block, i));

  const layout = storageLayout(options.storageDir);
  mkdirSync(layout.keysDir, { recursive: true, mode: 0o700 });
  const storeFile = join(layout.keysDir, "keys.json");
  const before = existsSync(storeFile) ? readFileSync(storeFile) : undefined;
  const store = new KeyStore(layout.keysDir, new FileSecureElement(layout.deviceKey));
  try {
    for (const block of file.blocks) {
      if (block.slot === "tmk") store.loadTmkFromTr31(kbpk, block.tr31);
      else store.loadDukptFromTr31(kbpk, block.tr31, block.ksn ? fromHex(block.ksn, "ksn") : undefined);
    }
  } catch (error) {
    if (before) writeFileAtomic(storeFile, before);
    else rmSync(storeFile, { force: true });
    throw error;
  }
  const time = (options.clock ?? (() => new Date()))().toISOString();
  const records: KeyLoadRecord[] = checked.map((k) => ({ time, terminalId: file.terminalId, ...k }));
  appendKeyLoads(join(options.storageDir, KEY_LOAD_LOG), records);
  return checked;
}
