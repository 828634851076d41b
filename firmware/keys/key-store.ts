import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../drivers/storage/atomic-file.js";
import { tdesEcbDecrypt, tdesEcbEncrypt } from "../../protocol/crypto/cipher.js";
import { keyCheckValue, verifyKeyCheckValue } from "../../protocol/crypto/kcv.js";
import { unionPayEcbMac, verifyUnionPayEcbMac } from "../../protocol/crypto/mac-unionpay-ecb.js";
import { assertUsage } from "../../protocol/crypto/tr31/assert-usage.js";
import { unwrapTr31 } from "../../protocol/crypto/tr31/unwrap.js";
import { splitSignInKeys, unwrapWorkingKeys } from "../../protocol/crypto/working-keys.js";
import { toHex } from "../../protocol/hex.js";
import {
  type DukptEngine,
  type DukptScheme,
  DukptTransaction,
  decodeDukptEngine,
  dukptKsn,
  encodeDukptEngine,
  loadDukptEngine,
} from "./dukpt-slot.js";
import { type KeySlot, type KeyUse, SLOT_USE, WORKING_SLOTS } from "./key-slots.js";
import { KeyStoreError } from "./key-store-error.js";
import type { SecureElement } from "./secure-element.js";

const STORE_FILE = "keys.json";
const FORMAT = 1;

const slotRecordSchema = z.object({
  /** Public check value (first 4 bytes of E(key, 00×8)), hex: lets people compare keys without seeing them. */
  kcv: z.string().regex(/^[0-9A-F]{8}$/),
  length: z.union([z.literal(8), z.literal(16), z.literal(24)]),
  /** The key sealed by the secure element, base64. Useless without the device key. */
  sealed: z.string().min(1),
});
const dukptRecordSchema = z.object({
  scheme: z.enum(["tdes", "aes"]),
  /** The KSN the next transaction will use (public: it travels in clear with every message). */
  nextKsn: z.string().regex(/^[0-9A-F]+$/),
  /** The engine's future-key registers, sealed. */
  sealed: z.string().min(1),
});
const storeFileSchema = z.object({
  format: z.literal(FORMAT),
  slots: z.object({
    tmk: slotRecordSchema.optional(),
    pik: slotRecordSchema.optional(),
    mak: slotRecordSchema.optional(),
    tdk: slotRecordSchema.optional(),
    dek: slotRecordSchema.optional(),
  }),
  dukpt: dukptRecordSchema.optional(),
});
type SlotRecord = z.infer<typeof slotRecordSchema>;
type StoreFile = z.infer<typeof storeFileSchema>;

export interface SlotStatus {
  slot: KeySlot;
  kcv: string;
  length: number;
}

/**
 * The terminal key store: TMK → PIK / MAK / TDK. Keys exist in clear only inside a method call, in
 * Buffers that are zeroised before it returns; at rest each is sealed by the secure element, and the
 * whole set is one file replaced atomically, so a power cut leaves the old set or the new, never half.
 * Callers never see a key: they ask the store to encrypt a PIN block, compute or verify a MAC, or
 * encrypt track data, and each key serves only its slot's purpose.
 */
export class KeyStore {
  private state: StoreFile;
  private readonly file: string;

  constructor(
    dir: string,
    private readonly secureElement: SecureElement,
    private readonly random: (size: number) => Buffer = randomBytes,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, STORE_FILE);
    this.state = this.read();
  }

  /** Loads the terminal master key (as cleared by the key-injection step), checking its KCV when given. */
  loadTmk(tmk: Buffer, expectedKcv?: Buffer): SlotStatus {
    if (tmk.length !== 16 && tmk.length !== 24) {
      throw new KeyStoreError(`TMK must be a 16- or 24-byte TDES key, got ${tmk.length} bytes`, "tmk");
    }
    if (expectedKcv && !verifyKeyCheckValue("tdes", tmk, expectedKcv, "zero-block")) {
      throw new KeyStoreError("check value does not match; key not loaded", "tmk");
    }
    // A new TMK invalidates the working keys wrapped under the old one (the storage key is not under it).
    this.commit({ ...this.state, slots: { tmk: this.seal("tmk", tmk), ...this.storageSlot() } });
    return this.status("tmk")!;
  }

  /**
   * Loads the TMK from a TR-31 key block (as a key-injection facility hands it over) under the key
   * block protection key. The block must be a TDES key-encryption key (usage K0, algorithm T) that
   * may decrypt (mode D or B): anything else is refused before the key is touched.
   */
  loadTmkFromTr31(kbpk: Buffer, block: string): SlotStatus {
    const { header, key } = unwrapTr31(kbpk, block);
    try {
      assertUsage(header, { usage: "K0", algorithm: "T", modes: ["D", "B"] });
      return this.loadTmk(key);
    } finally {
      key.fill(0);
    }
  }

  /** Loads a DUKPT initial key (IPEK / AES initial key) with its KSN; replaces any previous DUKPT slot. */
  loadDukptInitialKey(
    scheme: DukptScheme,
    initialKey: Buffer,
    ksn: Buffer,
  ): { scheme: DukptScheme; nextKsn: string } {
    const engine = loadDukptEngine(scheme, initialKey, ksn);
    this.commit({ ...this.state, dukpt: this.sealDukpt(engine) });
    return { scheme, nextKsn: this.state.dukpt!.nextKsn };
  }

  /**
   * Loads a DUKPT initial key from a TR-31 block (usage B1, algorithm T or A). The initial KSN comes
   * from the block's KS (TDES) / IK (AES) optional block, or from `ksn` when the block has none.
   */
  loadDukptFromTr31(kbpk: Buffer, block: string, ksn?: Buffer): { scheme: DukptScheme; nextKsn: string } {
    const { header, key } = unwrapTr31(kbpk, block);
    try {
      assertUsage(header, { usage: "B1", algorithm: ["T", "A"] });
      const scheme: DukptScheme = header.algorithm === "A" ? "aes" : "tdes";
      const fromBlock = header.optionalBlocks.find((b) => b.id === (scheme === "aes" ? "IK" : "KS"));
      const initialKsn = ksn ?? (fromBlock ? Buffer.from(fromBlock.value, "hex") : undefined);
      if (!initialKsn)
        throw new KeyStoreError("no KSN: the key block has no KS/IK block and none was given", "dukpt");
      return this.loadDukptInitialKey(scheme, key, initialKsn);
    } finally {
      key.fill(0);
    }
  }

  /**
   * Starts a DUKPT transaction. The advanced engine is written to disk before the transaction key is
   * handed out, so a power cut can skip a KSN but never reuse one. Close the transaction when done.
   */
  beginDukptTransaction(): DukptTransaction {
    const record = this.state.dukpt;
    if (!record) throw new KeyStoreError("no DUKPT key loaded", "dukpt");
    const sealed = this.secureElement.open(Buffer.from(record.sealed, "base64"), "dukpt");
    const engine = decodeDukptEngine(record.scheme, sealed);
    sealed.fill(0);
    const { ksn, transactionKey } = engine.terminal.nextTransaction();
    try {
      this.commit({ ...this.state, dukpt: this.sealDukpt(engine) });
    } catch (error) {
      transactionKey.fill(0);
      throw error;
    } finally {
      engine.terminal.zeroize();
    }
    return new DukptTransaction(record.scheme, ksn, transactionKey);
  }

  /**
   * Installs the working keys from a sign-in response's field 62: unwraps each under the TMK and checks
   * every check value; any mismatch refuses the whole set and keeps the previous keys.
   */
  installSignInKeys(field62: Buffer): SlotStatus[] {
    const { keys } = splitSignInKeys(field62);
    const clear = this.withKey("tmk", "unwrap-working-keys", (tmk) => unwrapWorkingKeys(tmk, keys));
    try {
      const slots: StoreFile["slots"] = { tmk: this.state.slots.tmk!, ...this.storageSlot() };
      for (const [name, value] of clear) slots[name] = this.seal(name, value);
      this.commit({ ...this.state, slots });
    } finally {
      for (const value of clear.values()) value.fill(0);
    }
    return WORKING_SLOTS.map((slot) => this.status(slot)).filter((s): s is SlotStatus => s !== undefined);
  }

  /** Enciphers a clear ISO 9564 PIN block (8 bytes) under the PIK for field 52. */
  encryptPinBlock(clearBlock: Buffer): Buffer {
    if (clearBlock.length !== 8)
      throw new KeyStoreError(`PIN block must be 8 bytes, got ${clearBlock.length}`, "pik");
    return this.withKey("pik", "encrypt-pin", (pik) => tdesEcbEncrypt(pik, clearBlock));
  }

  /** The UnionPay POS ECB MAC over a MAB: the 8 ASCII bytes for field 64. */
  macUnionPayEcb(mab: Buffer): Buffer {
    return this.withKey("mak", "mac", (mak) => unionPayEcbMac(mak, mab));
  }

  /** Verifies a response's field 64 in constant time. */
  verifyMacUnionPayEcb(mab: Buffer, field64: Buffer): boolean {
    return this.withKey("mak", "mac", (mak) => verifyUnionPayEcbMac(mak, mab, field64));
  }

  /** Encrypts 8-byte blocks of track data under the TDK (TDES-ECB), as the 004 sign-in layout intends. */
  encryptTrackData(blocks: Buffer): Buffer {
    if (blocks.length === 0 || blocks.length % 8 !== 0) {
      throw new KeyStoreError(`track data must be whole 8-byte blocks, got ${blocks.length} bytes`, "tdk");
    }
    return this.withKey("tdk", "encrypt-data", (tdk) => tdesEcbEncrypt(tdk, blocks));
  }

  /**
   * Deciphers 8-byte blocks enciphered by `encryptTrackData` (the terminal reads back PANs and tracks it
   * keeps under the TDK). Same slot and purpose: the TDK is a data key both ways. The caller owns the
   * clear result and zeroises it when done.
   */
  decryptTrackData(blocks: Buffer): Buffer {
    if (blocks.length === 0 || blocks.length % 8 !== 0) {
      throw new KeyStoreError(`track data must be whole 8-byte blocks, got ${blocks.length} bytes`, "tdk");
    }
    return this.withKey("tdk", "encrypt-data", (tdk) => tdesEcbDecrypt(tdk, blocks));
  }

  /**
   * Enciphers data the terminal keeps at rest (the journal's PANs, 8-byte blocks, TDES-ECB) under its
   * data-storage key: a random key made here on first use and sealed like the others. Unlike the session's
   * TDK it outlives sign-ins and re-keying, so a void or reversal after a new sign-in still finds the
   * PAN; only erase() (tamper, factory reset) destroys it. Returns the cipher and the key's check value.
   */
  encryptStoredData(blocks: Buffer): { cipher: Buffer; kcv: string } {
    if (blocks.length === 0 || blocks.length % 8 !== 0) {
      throw new KeyStoreError(`stored data must be whole 8-byte blocks, got ${blocks.length} bytes`, "dek");
    }
    if (!this.state.slots.dek) {
      const key = this.random(16);
      try {
        this.commit({ ...this.state, slots: { ...this.state.slots, dek: this.seal("dek", key) } });
      } finally {
        key.fill(0);
      }
    }
    const cipher = this.withKey("dek", "store-data", (dek) => tdesEcbEncrypt(dek, blocks));
    return { cipher, kcv: this.state.slots.dek!.kcv };
  }

  /** Deciphers what `encryptStoredData` made; the caller owns the clear result and zeroises it. */
  decryptStoredData(blocks: Buffer): Buffer {
    if (blocks.length === 0 || blocks.length % 8 !== 0) {
      throw new KeyStoreError(`stored data must be whole 8-byte blocks, got ${blocks.length} bytes`, "dek");
    }
    return this.withKey("dek", "store-data", (dek) => tdesEcbDecrypt(dek, blocks));
  }

  has(slot: KeySlot): boolean {
    return this.state.slots[slot] !== undefined;
  }

  /** Check values of every loaded key (never the keys). */
  status(): SlotStatus[];
  status(slot: KeySlot): SlotStatus | undefined;
  status(slot?: KeySlot): SlotStatus[] | SlotStatus | undefined {
    const one = (s: KeySlot): SlotStatus | undefined => {
      const record = this.state.slots[s];
      return record ? { slot: s, kcv: record.kcv, length: record.length } : undefined;
    };
    if (slot) return one(slot);
    return (["tmk", ...WORKING_SLOTS] as KeySlot[]).map(one).filter((s): s is SlotStatus => s !== undefined);
  }

  /** The DUKPT slot's scheme and the KSN its next transaction will use, if one is loaded. */
  dukptStatus(): { scheme: DukptScheme; nextKsn: string } | undefined {
    const record = this.state.dukpt;
    return record ? { scheme: record.scheme, nextKsn: record.nextKsn } : undefined;
  }

  /** Forgets the working keys (sign-out or a host demand to re-sign-in); the TMK and storage key stay. */
  dropWorkingKeys(): void {
    const tmk = this.state.slots.tmk;
    this.commit({ ...this.state, slots: { ...(tmk ? { tmk } : {}), ...this.storageSlot() } });
  }

  private storageSlot(): Pick<StoreFile["slots"], "dek"> {
    return this.state.slots.dek ? { dek: this.state.slots.dek } : {};
  }

  /** Tamper response: destroys the device key and the store; nothing can be used until re-keyed. */
  erase(): void {
    this.secureElement.wipe();
    rmSync(this.file, { force: true });
    this.state = { format: FORMAT, slots: {} };
  }

  private withKey<T>(slot: KeySlot, use: KeyUse, fn: (key: Buffer) => T): T {
    if (SLOT_USE[slot] !== use) throw new KeyStoreError(`may not be used to ${use}`, slot);
    const record = this.state.slots[slot];
    if (!record) {
      throw new KeyStoreError(
        slot === "tmk" ? "no terminal master key loaded" : "no key: sign in first",
        slot,
      );
    }
    const key = this.secureElement.open(Buffer.from(record.sealed, "base64"), slot);
    try {
      return fn(key);
    } finally {
      key.fill(0);
    }
  }

  private seal(slot: KeySlot, key: Buffer): SlotRecord {
    const kcv = keyCheckValue("tdes", key, { method: "zero-block", length: 4 });
    const length = key.length as SlotRecord["length"];
    return { kcv: toHex(kcv), length, sealed: this.secureElement.seal(key, slot).toString("base64") };
  }

  private sealDukpt(engine: DukptEngine): NonNullable<StoreFile["dukpt"]> {
    const encoded = encodeDukptEngine(engine);
    try {
      const nextKsn = toHex(dukptKsn(engine));
      return {
        scheme: engine.scheme,
        nextKsn,
        sealed: this.secureElement.seal(encoded, "dukpt").toString("base64"),
      };
    } finally {
      encoded.fill(0);
    }
  }

  private commit(next: StoreFile): void {
    writeFileAtomic(this.file, Buffer.from(`${JSON.stringify(next, null, 1)}\n`));
    this.state = next;
  }

  private read(): StoreFile {
    if (!existsSync(this.file)) return { format: FORMAT, slots: {} };
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, "utf8"));
    } catch {
      throw new KeyStoreError(`key store ${this.file} is not valid JSON`);
    }
    const file = storeFileSchema.safeParse(parsed);
    if (!file.success) {
      const issue = file.error.issues[0];
      throw new KeyStoreError(
        `key store ${this.file} is malformed at ${issue?.path.join(".") || "top level"}`,
      );
    }
    return file.data;
  }
}
