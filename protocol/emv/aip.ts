import { EmvDataError } from "./emv-error.js";

/** Application Interchange Profile (82), EMV Book 3 Annex C1 (byte 1) plus the contactless byte 2 bits. */
export interface Aip {
  /** Byte 1 b7: static data authentication supported. */
  sda: boolean;
  /** Byte 1 b6: dynamic data authentication supported. */
  dda: boolean;
  /** Byte 1 b5: cardholder verification supported (CVM list applies). */
  cardholderVerification: boolean;
  /** Byte 1 b4: terminal risk management is to be performed. */
  terminalRiskManagement: boolean;
  /** Byte 1 b3: issuer authentication supported (EXTERNAL AUTHENTICATE). */
  issuerAuthentication: boolean;
  /** Byte 1 b2: on-device cardholder verification supported (contactless). */
  onDeviceCvm: boolean;
  /** Byte 1 b1: combined DDA/application cryptogram generation supported. */
  cda: boolean;
  /** Byte 2 b8: EMV mode supported (contactless kernels 2/3). */
  emvModeSupported: boolean;
  /** Byte 2 b7: mag-stripe mode supported (kernel 2). */
  magStripeModeSupported: boolean;
  /** Byte 2 b1: relay resistance protocol supported (kernel 2). */
  relayResistance: boolean;
  raw: Buffer;
}

export function parseAip(value: Buffer): Aip {
  if (value.length !== 2) {
    throw new EmvDataError(`AIP must be 2 bytes, got ${value.length}`, { path: "tag 82" });
  }
  const b1 = value[0]!;
  const b2 = value[1]!;
  return {
    sda: (b1 & 0x40) !== 0,
    dda: (b1 & 0x20) !== 0,
    cardholderVerification: (b1 & 0x10) !== 0,
    terminalRiskManagement: (b1 & 0x08) !== 0,
    issuerAuthentication: (b1 & 0x04) !== 0,
    onDeviceCvm: (b1 & 0x02) !== 0,
    cda: (b1 & 0x01) !== 0,
    emvModeSupported: (b2 & 0x80) !== 0,
    magStripeModeSupported: (b2 & 0x40) !== 0,
    relayResistance: (b2 & 0x01) !== 0,
    raw: Buffer.from(value),
  };
}

export type OdaMethod = "sda" | "dda" | "cda" | "fdda";

/**
 * Book 3 §10.3 selection for a contact transaction: CDA if both support it, else DDA, else SDA; none
 * ⇒ the kernel sets "offline data authentication was not performed".
 */
export function selectOdaMethod(
  aip: Aip,
  terminal: { sda: boolean; dda: boolean; cda: boolean },
): Exclude<OdaMethod, "fdda"> | undefined {
  if (aip.cda && terminal.cda) return "cda";
  if (aip.dda && terminal.dda) return "dda";
  if (aip.sda && terminal.sda) return "sda";
  return undefined;
}
