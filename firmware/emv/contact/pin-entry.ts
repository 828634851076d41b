/**
 * How the kernel gets a PIN. Online PIN goes through the terminal's PIN pad driver, which returns the
 * ISO 9564 block already enciphered under the PIN key: the kernel never sees the PIN.
 */
export type OnlinePinResult =
  | { kind: "entered"; pinBlock: Buffer; ksn?: Buffer }
  | { kind: "bypassed" }
  | { kind: "pin-pad-unavailable" };

export interface PinEntry {
  onlinePin(request: { pan: Buffer; amount: number; signal?: AbortSignal }): Promise<OnlinePinResult>;
}

/**
 * Offline plaintext PIN — the rig-only path (real UnionPay terminals use online PIN; a plaintext offline
 * PIN means the PIN crosses the terminal in clear). Returns the PIN as ASCII digits in a Buffer that the
 * kernel zeroes after VERIFY, "bypass" when the cardholder bypassed entry, undefined when no PIN pad.
 */
export type OfflinePinEntry = (request: {
  triesLeft?: number;
  signal?: AbortSignal;
}) => Promise<Buffer | "bypass" | undefined>;

/** Plaintext offline PIN block for VERIFY: `2L` ‖ PIN digits ‖ F padding (8 bytes). Undefined if not 4–12 digits. */
export function plaintextPinBlock(pinDigits: Buffer): Buffer | undefined {
  const n = pinDigits.length;
  if (n < 4 || n > 12) return undefined;
  const block = Buffer.alloc(8, 0xff);
  block[0] = 0x20 | n;
  for (let i = 0; i < n; i++) {
    const digit = pinDigits[i]! - 0x30;
    if (digit < 0 || digit > 9) {
      block.fill(0);
      return undefined;
    }
    const at = 1 + (i >> 1);
    block[at] = i % 2 === 0 ? (digit << 4) | 0x0f : (block[at]! & 0xf0) | digit;
  }
  return block;
}
