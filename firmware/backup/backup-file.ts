import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../../drivers/storage/atomic-file.js";
import { DEFAULT_SCRYPT, deriveScrypt, type ScryptParams } from "../admin/password-hash.js";
import {
  type BackupCounters,
  type BackupManifest,
  packContainer,
  unpackContainer,
} from "./backup-container.js";
import { BackupError } from "./backup-error.js";
import {
  BACKUP_VERSION,
  decodeHeader,
  encodeHeader,
  GCM_NONCE_BYTES,
  GCM_TAG_BYTES,
  KDF_SALT_BYTES,
} from "./backup-header.js";
import { installJournal, maxCounters, readJournalCounters, snapshotJournal } from "./journal-snapshot.js";

/** A backup passphrase shorter than this protects nothing against an offline guess. */
export const MIN_PASSPHRASE_BYTES = 8;

export interface BackupSources {
  journalPath: string;
  /** The terminal configuration file (JSON); left out of the backup when absent. */
  configPath?: string;
  terminalId: string;
  /** The live counters (Journal.peekStan / batch), recorded in the manifest; the snapshot's when absent. */
  counters?: BackupCounters;
}

export interface BackupOptions {
  /** KDF parameters for the backup key (tests lower N); stored in the header. */
  kdf?: ScryptParams;
  clock?: () => Date;
  random?: (n: number) => Buffer;
}

/**
 * 数据备份: one self-contained file of the journal (consistent snapshot), the configuration and the
 * counters, encrypted and authenticated with AES-256-GCM under a key derived by scrypt from the
 * administrator's backup passphrase and a fresh salt. The clear header (terminal ID, date, KDF
 * parameters) is the GCM AAD. No key of the terminal is in it: the key store is not read at all, and the
 * PANs in the journal stay enciphered under the TDK, useless without this terminal's keys.
 */
export async function createBackup(
  sources: BackupSources,
  passphrase: Buffer,
  options: BackupOptions = {},
): Promise<Buffer> {
  checkPassphrase(passphrase);
  const random = options.random ?? randomBytes;
  const createdAt = (options.clock?.() ?? new Date()).toISOString();
  const snapshot = snapshotJournal(sources.journalPath);
  const config =
    sources.configPath && existsSync(sources.configPath) ? readFileSync(sources.configPath) : undefined;
  if (config) {
    try {
      JSON.parse(config.toString("utf8"));
    } catch {
      throw new BackupError("source", `${sources.configPath} is not JSON`);
    }
  }
  const plain = packContainer(
    {
      terminalId: sources.terminalId,
      createdAt,
      counters: maxCounters(snapshot.counters, sources.counters),
      transactions: snapshot.transactions,
      settlementRuns: snapshot.settlementRuns,
    },
    { "journal.db": snapshot.bytes, ...(config ? { "terminal.json": config } : {}) },
  );
  const kdf = options.kdf ?? DEFAULT_SCRYPT;
  const salt = random(KDF_SALT_BYTES);
  const nonce = random(GCM_NONCE_BYTES);
  const header = encodeHeader({
    version: BACKUP_VERSION,
    kdf,
    salt,
    nonce,
    terminalId: sources.terminalId,
    createdAt,
  });
  const key = await deriveScrypt(passphrase, salt, 32, kdf);
  try {
    const cipher = createCipheriv("aes-256-gcm", key, nonce);
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([header, body, cipher.getAuthTag()]);
  } finally {
    key.fill(0);
    plain.fill(0);
  }
}

/** Writes a backup file atomically, owner-only. */
export function writeBackupFile(path: string, backup: Buffer): void {
  writeFileAtomic(path, backup, 0o600);
}

export interface RestoreTarget {
  /** This terminal's ID: a backup of any other terminal is refused. */
  terminalId: string;
  journalPath: string;
  /** Where the configuration goes back (when the backup holds one); left alone when absent. */
  configPath?: string;
  /**
   * The live counters before the restore. The journal at journalPath is read as well; the restored
   * journal's counters end at the maximum of the three, so no STAN or batch number is ever reused.
   */
  currentCounters?: BackupCounters;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** The counters of the journal now in place. */
  counters: BackupCounters;
  configRestored: boolean;
}

/** What the backup says about itself, after authenticating it (the confirmation screen before a restore). */
export async function openBackup(
  file: Buffer,
  passphrase: Buffer,
): Promise<ReturnType<typeof unpackContainer> & { terminalId: string }> {
  const { header, length } = decodeHeader(file);
  const key = await deriveScrypt(passphrase, header.salt, 32, header.kdf);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, header.nonce);
    decipher.setAAD(file.subarray(0, length));
    decipher.setAuthTag(file.subarray(file.length - GCM_TAG_BYTES));
    plain = Buffer.concat([
      decipher.update(file.subarray(length, file.length - GCM_TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new BackupError("integrity", "wrong passphrase, or the file was altered");
  } finally {
    key.fill(0);
  }
  const unpacked = unpackContainer(plain);
  if (unpacked.manifest.terminalId !== header.terminalId) {
    throw new BackupError("integrity", "the header and the contents name different terminals");
  }
  return { ...unpacked, terminalId: header.terminalId };
}

/**
 * 数据恢复: authenticates the file (wrong passphrase or any altered byte → "integrity"), refuses another
 * terminal's backup ("terminal"), then puts the journal back with its counters never below the live
 * ones, and the configuration. The terminal application must not have the journal open.
 */
export async function restoreBackup(
  file: Buffer,
  passphrase: Buffer,
  target: RestoreTarget,
): Promise<RestoreResult> {
  const { manifest, entries, terminalId } = await openBackup(file, passphrase);
  if (terminalId !== target.terminalId) {
    throw new BackupError(
      "terminal",
      `the backup belongs to terminal ${terminalId}, not ${target.terminalId}`,
    );
  }
  const journal = entries.get("journal.db");
  if (!journal) throw new BackupError("integrity", "the backup holds no journal");
  const live = target.currentCounters
    ? maxCounters(target.currentCounters, readJournalCounters(target.journalPath))
    : readJournalCounters(target.journalPath);
  const counters = installJournal(journal, target.journalPath, live);
  const config = entries.get("terminal.json");
  if (config && target.configPath) writeFileAtomic(target.configPath, config, 0o600);
  return { manifest, counters, configRestored: Boolean(config && target.configPath) };
}

function checkPassphrase(passphrase: Buffer): void {
  if (!Buffer.isBuffer(passphrase) || passphrase.length < MIN_PASSPHRASE_BYTES) {
    throw new BackupError(
      "passphrase",
      `the backup passphrase must be at least ${MIN_PASSPHRASE_BYTES} characters`,
    );
  }
}
