import { EmvDataError } from "./emv-error.js";

/**
 * Terminal Verification Results (95), EMV Book 3 Annex C5. Each name is [byte index 0–4, bit mask];
 * bit 8 of a byte is 0x80. Bits marked RFU in the Book are not named, so they can never be set.
 */
export const TVR_BITS = {
  // byte 1: offline data authentication
  offlineDataAuthenticationNotPerformed: [0, 0x80],
  sdaFailed: [0, 0x40],
  iccDataMissing: [0, 0x20],
  cardOnExceptionFile: [0, 0x10],
  ddaFailed: [0, 0x08],
  cdaFailed: [0, 0x04],
  sdaSelected: [0, 0x02],
  // byte 2: processing restrictions
  iccAndTerminalDifferentApplicationVersions: [1, 0x80],
  expiredApplication: [1, 0x40],
  applicationNotYetEffective: [1, 0x20],
  requestedServiceNotAllowed: [1, 0x10],
  newCard: [1, 0x08],
  // byte 3: cardholder verification
  cardholderVerificationNotSuccessful: [2, 0x80],
  unrecognisedCvm: [2, 0x40],
  pinTryLimitExceeded: [2, 0x20],
  pinPadNotPresentOrNotWorking: [2, 0x10],
  pinPadPresentButPinNotEntered: [2, 0x08],
  onlinePinEntered: [2, 0x04],
  // byte 4: terminal risk management
  transactionExceedsFloorLimit: [3, 0x80],
  lowerConsecutiveOfflineLimitExceeded: [3, 0x40],
  upperConsecutiveOfflineLimitExceeded: [3, 0x20],
  transactionSelectedRandomlyForOnline: [3, 0x10],
  merchantForcedTransactionOnline: [3, 0x08],
  // byte 5: completion / issuer
  defaultTdolUsed: [4, 0x80],
  issuerAuthenticationFailed: [4, 0x40],
  scriptProcessingFailedBeforeFinalGenerateAc: [4, 0x20],
  scriptProcessingFailedAfterFinalGenerateAc: [4, 0x10],
} as const satisfies Record<string, readonly [number, number]>;

export type TvrBit = keyof typeof TVR_BITS;

/** Every defined TVR bit (RFU bits excluded), byte 1 bit 8 first. */
export const TVR_BIT_NAMES = Object.keys(TVR_BITS) as TvrBit[];

/** Mutable 5-byte TVR. The kernel sets bits by name; `toBuffer()` gives the 95 value for field 55/CDOLs. */
export class Tvr {
  private readonly bytes: Buffer;

  constructor(initial?: Buffer) {
    if (initial !== undefined && initial.length !== 5) {
      throw new EmvDataError(`TVR must be 5 bytes, got ${initial.length}`, { path: "tag 95" });
    }
    this.bytes = initial === undefined ? Buffer.alloc(5) : Buffer.from(initial);
  }

  static fromBuffer(value: Buffer): Tvr {
    return new Tvr(value);
  }

  set(bit: TvrBit): this {
    const [index, mask] = TVR_BITS[bit];
    this.bytes[index] = this.bytes[index]! | mask;
    return this;
  }

  clear(bit: TvrBit): this {
    const [index, mask] = TVR_BITS[bit];
    this.bytes[index] = this.bytes[index]! & ~mask;
    return this;
  }

  has(bit: TvrBit): boolean {
    const [index, mask] = TVR_BITS[bit];
    return (this.bytes[index]! & mask) !== 0;
  }

  /** Names of the bits currently set, in Annex C5 order (for logs and the journal). */
  setBits(): TvrBit[] {
    return TVR_BIT_NAMES.filter((bit) => this.has(bit));
  }

  /** True when TVR & mask ≠ 0 — the terminal action analysis test against a TAC/IAC (5 bytes). */
  matches(actionCode: Buffer): boolean {
    if (actionCode.length !== 5) {
      throw new EmvDataError(`action code must be 5 bytes, got ${actionCode.length}`, {
        path: "action code",
      });
    }
    return this.bytes.some((byte, i) => (byte & actionCode[i]!) !== 0);
  }

  /** A copy, so callers can never mutate the kernel's TVR through the returned buffer. */
  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

/** Decodes a TVR value into the names of its set bits. */
export function describeTvr(value: Buffer): TvrBit[] {
  return Tvr.fromBuffer(value).setBits();
}
