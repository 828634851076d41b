/** 数据备份/恢复: encrypted, authenticated backups of journal, configuration and counters (never keys). */

export type { BackupCounters, BackupManifest } from "./backup-container.js";
export { BackupError, type BackupErrorReason } from "./backup-error.js";
export {
  type BackupOptions,
  type BackupSources,
  createBackup,
  MIN_PASSPHRASE_BYTES,
  openBackup,
  type RestoreResult,
  type RestoreTarget,
  restoreBackup,
  writeBackupFile,
} from "./backup-file.js";
export { BACKUP_MAGIC, BACKUP_VERSION, type BackupHeader, decodeHeader } from "./backup-header.js";
export { installJournal, maxCounters, readJournalCounters, snapshotJournal } from "./journal-snapshot.js";
