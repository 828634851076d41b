/**
 * What protects keys at rest. On this rig a file-backed device key (FileSecureElement); on a real
 * board a hardware secure element or TPM implements the same three operations, and the device key
 * never leaves it.
 */
export interface SecureElement {
  /** Encrypts and authenticates `plain`, binding it to `label` (the slot name): a blob moved to another slot fails to open. */
  seal(plain: Buffer, label: string): Buffer;
  /** Opens a sealed blob; throws KeyStoreError if it was altered or sealed under another device key or label. */
  open(sealed: Buffer, label: string): Buffer;
  /** Destroys the device key: every blob sealed under it becomes unreadable (tamper response). */
  wipe(): void;
}
