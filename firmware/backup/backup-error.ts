/**
 * A backup or restore refusal. `reason`:
 *   integrity   not a backup file, a wrong passphrase, or a file altered anywhere (header or body): the
 *               GCM tag over the header (AAD) and the ciphertext does not verify — the three are
 *               indistinguishable on purpose
 *   terminal    a genuine backup of another terminal
 *   passphrase  a backup passphrase too short to protect anything
 *   source      what should be backed up cannot be read (no journal, not a journal)
 */
export type BackupErrorReason = "integrity" | "terminal" | "passphrase" | "source";

export class BackupError extends Error {
  override name = "BackupError";
  constructor(
    readonly reason: BackupErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`backup ${reason}: ${message}`, options);
  }
}
