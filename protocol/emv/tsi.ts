import { EmvDataError } from "./emv-error.js";

/** Transaction Status Information (9B), EMV Book 3 Annex C6: byte 1 only; byte 2 is RFU. */
export const TSI_BITS = {
  offlineDataAuthenticationPerformed: [0, 0x80],
  cardholderVerificationPerformed: [0, 0x40],
  cardRiskManagementPerformed: [0, 0x20],
  issuerAuthenticationPerformed: [0, 0x10],
  terminalRiskManagementPerformed: [0, 0x08],
  scriptProcessingPerformed: [0, 0x04],
} as const satisfies Record<string, readonly [number, number]>;

export type TsiBit = keyof typeof TSI_BITS;

export const TSI_BIT_NAMES = Object.keys(TSI_BITS) as TsiBit[];

/** Mutable 2-byte TSI with named setters, like Tvr. */
export class Tsi {
  private readonly bytes: Buffer;

  constructor(initial?: Buffer) {
    if (initial !== undefined && initial.length !== 2) {
      throw new EmvDataError(`TSI must be 2 bytes, got ${initial.length}`, { path: "tag 9B" });
    }
    this.bytes = initial === undefined ? Buffer.alloc(2) : Buffer.from(initial);
  }

  static fromBuffer(value: Buffer): Tsi {
    return new Tsi(value);
  }

  set(bit: TsiBit): this {
    const [index, mask] = TSI_BITS[bit];
    this.bytes[index] = this.bytes[index]! | mask;
    return this;
  }

  clear(bit: TsiBit): this {
    const [index, mask] = TSI_BITS[bit];
    this.bytes[index] = this.bytes[index]! & ~mask;
    return this;
  }

  has(bit: TsiBit): boolean {
    const [index, mask] = TSI_BITS[bit];
    return (this.bytes[index]! & mask) !== 0;
  }

  setBits(): TsiBit[] {
    return TSI_BIT_NAMES.filter((bit) => this.has(bit));
  }

  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}
