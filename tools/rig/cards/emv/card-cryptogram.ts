import {
  deriveAcSessionKey,
  generateApplicationCryptogram,
  verifyArpcMethod1,
} from "../../../../protocol/crypto/emv/index.js";

/**
 * The card's application cryptogram (EMV Book 2 §8.1, CSK session key, ISO 9797-1 alg 3 padding 2)
 * over the EMV-recommended minimum data set — what the host simulator's issuer checks
 * (tools/host-sim/emv-issuer.ts ARQC_DATA_TAGS): terminal data ‖ AIP ‖ ATC ‖ CVR.
 */

export type AcType = "AAC" | "TC" | "ARQC";

/** Terminal data objects the cryptogram covers, with their lengths (taken from the DOL data). */
export const AC_TERMINAL_DATA: readonly (readonly [string, number])[] = [
  ["9F02", 6],
  ["9F03", 6],
  ["9F1A", 2],
  ["95", 5],
  ["5F2A", 2],
  ["9A", 3],
  ["9C", 1],
  ["9F37", 4],
];

export const CID: Record<AcType, number> = { AAC: 0x00, TC: 0x40, ARQC: 0x80 };

/** Cryptogram input: terminal values (zeros when the DOL did not ask for them) ‖ AIP ‖ ATC ‖ CVR. */
export function cryptogramInput(
  terminal: ReadonlyMap<string, Buffer>,
  aip: Buffer,
  atc: Buffer,
  cvr: Buffer,
): Buffer {
  const parts = AC_TERMINAL_DATA.map(([tag, length]) => {
    const value = terminal.get(tag);
    return value?.length === length ? value : Buffer.alloc(length);
  });
  return Buffer.concat([...parts, aip, atc, cvr]);
}

/** AC under the session key for `atc`; the session key is wiped before returning. */
export function applicationCryptogram(iccMasterKey: Buffer, atc: Buffer, input: Buffer): Buffer {
  const sk = deriveAcSessionKey(iccMasterKey, atc);
  try {
    return generateApplicationCryptogram(sk, input, 2);
  } finally {
    sk.fill(0);
  }
}

/** Method 1 ARPC check with the session key or the ICC master key, as the profile says. */
export function arpcValid(
  iccMasterKey: Buffer,
  keyChoice: "session" | "icc-master",
  atc: Buffer,
  arqc: Buffer,
  arc: Buffer,
  arpc: Buffer,
): boolean {
  if (arpc.length !== 8 || arc.length !== 2) return false;
  if (keyChoice === "icc-master") return verifyArpcMethod1(iccMasterKey, arqc, arc, arpc);
  const sk = deriveAcSessionKey(iccMasterKey, atc);
  try {
    return verifyArpcMethod1(sk, arqc, arc, arpc);
  } finally {
    sk.fill(0);
  }
}

/**
 * Issuer application data 9F10, PBOC/VIS layout: 07 ‖ DKI ‖ CVN ‖ CVR (4, starting 03) ‖ algorithm 01
 * ‖ issuer discretionary data 0A 01 00×9.
 */
export function issuerApplicationData(dki: Buffer, cvn: Buffer, cvr: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([0x07]),
    dki,
    cvn,
    cvr,
    Buffer.from([0x01, 0x0a, 0x01]),
    Buffer.alloc(9),
  ]);
}

/**
 * Card verification results (VIS/PBOC CVR, 4 bytes: length 03 then 3 bytes of flags). Bits named as
 * the VIS 1.5 / JR/T 0025 tables name them.
 */
export class Cvr {
  readonly bytes = Buffer.from([0x03, 0x00, 0x00, 0x00]);

  static readonly bits = {
    // byte 2
    issuerAuthenticationFailed: [1, 0x08],
    offlinePinPerformed: [1, 0x04],
    offlinePinFailed: [1, 0x02],
    unableToGoOnline: [1, 0x01],
    // byte 3
    lastOnlineNotCompleted: [2, 0x80],
    pinTryLimitExceeded: [2, 0x40],
    newCard: [2, 0x10],
    issuerAuthenticationFailedLastOnline: [2, 0x08],
    issuerAuthenticationNotPerformed: [2, 0x04],
    applicationBlockedPinTryLimit: [2, 0x02],
    // byte 4
    issuerScriptFailed: [3, 0x08],
    ddaPerformed: [3, 0x02],
  } as const;

  set(bit: keyof typeof Cvr.bits, on = true): void {
    const [index, mask] = Cvr.bits[bit];
    if (on) this.bytes[index]! |= mask;
    else this.bytes[index]! &= ~mask & 0xff;
  }

  has(bit: keyof typeof Cvr.bits): boolean {
    const [index, mask] = Cvr.bits[bit];
    return (this.bytes[index]! & mask) !== 0;
  }

  /** Byte 2 b6–b5: the AC type returned by the first GENERATE AC. */
  setFirstAc(type: AcType): void {
    this.bytes[1] = (this.bytes[1]! & 0xcf) | ({ AAC: 0x00, TC: 0x10, ARQC: 0x20 } as const)[type];
  }

  /** Byte 2 b8–b7: the AC type returned by the second GENERATE AC, or 10 = not requested. */
  setSecondAc(type: AcType | "not-requested"): void {
    const bits = ({ AAC: 0x00, TC: 0x40, ARQC: 0x80, "not-requested": 0x80 } as const)[type];
    this.bytes[1] = (this.bytes[1]! & 0x3f) | bits;
  }

  /** Byte 4 b8–b5: issuer script commands processed (saturates at 15). */
  setScriptCount(count: number): void {
    this.bytes[3] = (this.bytes[3]! & 0x0f) | (Math.min(count, 15) << 4);
  }

  /** True when any of bytes 2–4 matches the 3-byte card issuer action code. */
  matches(ciac: Buffer): boolean {
    return ciac.some((mask, i) => (mask & this.bytes[i + 1]!) !== 0);
  }
}
