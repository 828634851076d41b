import { EmvDataError } from "./emv-error.js";

/** Application cryptogram types (CID b8–b7 and GENERATE AC P1 b8–b7). */
export type CryptogramType = "AAC" | "TC" | "ARQC" | "AAR";

/** CID reason/advice code b3–b1, EMV Book 3 table 15. */
export type CidReason =
  | "no-information"
  | "service-not-allowed"
  | "pin-try-limit-exceeded"
  | "issuer-authentication-failed"
  | "rfu";

export interface Cid {
  type: CryptogramType;
  /** b4: advice required. */
  adviceRequired: boolean;
  reason: CidReason;
  /** The raw byte. */
  value: number;
}

const TYPES: readonly CryptogramType[] = ["AAC", "TC", "ARQC", "AAR"];
const REASONS: readonly CidReason[] = [
  "no-information",
  "service-not-allowed",
  "pin-try-limit-exceeded",
  "issuer-authentication-failed",
];

/** Decodes Cryptogram Information Data (9F27). b6–b5 are payment-system specific and not interpreted. */
export function parseCid(value: Buffer | number): Cid {
  if (typeof value !== "number" && value.length !== 1) {
    throw new EmvDataError(`CID must be 1 byte, got ${value.length}`, { path: "tag 9F27" });
  }
  const byte = typeof value === "number" ? value & 0xff : value[0]!;
  return {
    type: TYPES[byte >> 6]!,
    adviceRequired: (byte & 0x08) !== 0,
    reason: REASONS[byte & 0x07] ?? "rfu",
    value: byte,
  };
}

/** GENERATE AC P1: b8–b7 cryptogram type, b5 CDA signature requested. */
export function generateAcP1(type: Exclude<CryptogramType, "AAR">, cda: boolean): number {
  return (TYPES.indexOf(type) << 6) | (cda ? 0x10 : 0);
}

export function parseGenerateAcP1(p1: number): { type: CryptogramType; cda: boolean } {
  return { type: TYPES[(p1 >> 6) & 0x03]!, cda: (p1 & 0x10) !== 0 };
}

/** GENERATE AC command `80 AE P1 00 Lc CDOL-data 00`. */
export function generateAcCommand(
  type: Exclude<CryptogramType, "AAR">,
  cda: boolean,
  cdolData: Buffer,
): Buffer {
  if (cdolData.length > 255) {
    throw new EmvDataError(`CDOL data of ${cdolData.length} bytes does not fit one APDU`, {
      path: "CDOL data",
    });
  }
  return Buffer.concat([
    Buffer.from([0x80, 0xae, generateAcP1(type, cda), 0x00, cdolData.length]),
    cdolData,
    Buffer.from([0x00]),
  ]);
}
