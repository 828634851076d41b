import type { PinPadDeviceInfo } from "../../protocol/pinpad/commands/device-info.js";
import type { WorkingKeyUsage } from "../../protocol/pinpad/commands/load-key.js";

/**
 * The PIN pad as the firmware sees it (device-protocols.md §4.1, §10): prompts, working keys as
 * ciphertext + check value, enciphered PIN blocks. No method ever returns or accepts a clear PIN or a
 * clear key; a vendor codec can replace the ABECS one behind this interface.
 */
export interface PinPad {
  /** Opens the link (if needed) and the pad's session; the pad clears its display. */
  open(): Promise<void>;
  /** Shows up to two lines of 16 characters (ISO-8859-1); no lines clears the display. */
  display(lines?: readonly [string, string?]): Promise<void>;
  /** Loads a working key enciphered under the pad's master key; the pad refuses it on a KCV mismatch. */
  loadWorkingKey(key: WorkingKeyLoad): Promise<void>;
  /** Asks the cardholder for the PIN; resolves with the enciphered block (and KSN for DUKPT). */
  getPin(request: PinRequest): Promise<PinBlock>;
  /** Cancels the command in flight (CAN → EOT), or resets an idle pad. */
  cancel(): Promise<void>;
  info(): Promise<PinPadInfo>;
  /** Closes the pad's session (idle message) and the link. */
  close(): Promise<void>;
}

export interface WorkingKeyLoad {
  /** Working-key slot on the pad, 0–99. */
  slot: number;
  usage: WorkingKeyUsage;
  /** The key enciphered under the master key (TDES-ECB), 8/16/24 bytes, as the host sent it. */
  ciphertext: Buffer;
  /** Check value of the clear key (leftmost bytes of E(K, 00×8)), 2–8 bytes. */
  kcv: Buffer;
  /** Master key index on the pad; default from the driver options (0). */
  masterKeyIndex?: number;
}

/** How the PIN block is enciphered: MK/WK with the working PIN key in a slot, or DUKPT. */
export type PinKeyManagement = "mkwk" | "dukpt";

export interface PinRequest {
  /** PAN as digits; bound into the format-0 block. Never logged. */
  pan: string;
  /** Default 4 (the scheme minimum). */
  minLength?: number;
  /** Default 12. */
  maxLength?: number;
  /** Prompt on the pad, two lines of 16; default "ENTER PIN". */
  prompt?: readonly [string, string?];
  signal?: AbortSignal;
  /** How long the cardholder has; the pad answers 012 after it. Default 60 s. */
  timeoutMs?: number;
  /** Key management and slot; default from the driver options. */
  keyManagement?: PinKeyManagement;
  keySlot?: number;
  /** Digits typed so far, for the terminal's own screen; overrides the driver's callback. */
  onPinEntry?: (event: PinEntryProgress) => void;
}

export interface PinEntryProgress {
  /** How many digits the cardholder has typed (never the digits). */
  digitsEntered: number;
  /** What the pad shows, mask included. */
  lines: [string, string];
}

export interface PinBlock {
  /** ISO 9564 format-0 block enciphered under the PIN key (8 bytes), ready for field 52. */
  block: Buffer;
  format: 0;
  keyManagement: PinKeyManagement;
  /** DUKPT only: the 10-byte KSN the host derives the key from (field 53 / 62 per dialect). */
  ksn?: Buffer;
}

export type PinPadInfo = PinPadDeviceInfo;
