import { buildPositional, type PositionalLayout, parsePositional } from "./positional.js";

/** Field 53 (n16) 安全控制信息: how the PIN block and tracks were protected. */
export interface Field53 {
  /** 53.1: "2" ISO format 0 with PAN, "1" without PAN. */
  pinFormat: string;
  /** 53.2: "0" single DES, "6" double-length 3DES, "3" SM4 [1]. */
  encryptionMethod: string;
  /** 53.3: "1" track data TDK-encrypted, "0" clear. */
  trackEncryption: string;
  /** 53.4 n13 reserved, zeros. */
  reserved: string;
}

export const FIELD53_LAYOUT: PositionalLayout = {
  field: 53,
  required: 4,
  subs: [
    { key: "pinFormat", id: "53.1", length: 1, charset: "n" },
    { key: "encryptionMethod", id: "53.2", length: 1, charset: "n" },
    { key: "trackEncryption", id: "53.3", length: 1, charset: "n" },
    { key: "reserved", id: "53.4", length: 13, charset: "n" },
  ],
};

export function parseField53(value: string): Field53 {
  return parsePositional(FIELD53_LAYOUT, value) as unknown as Field53;
}

export function buildField53(record: Field53): string {
  return buildPositional(FIELD53_LAYOUT, record as unknown as Record<string, string | undefined>);
}
