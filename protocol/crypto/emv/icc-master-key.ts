import { createHash } from "node:crypto";
import { tdesEcbEncrypt } from "../cipher.js";
import { checkDoubleLengthKey, checkPan, checkPsn } from "./checks.js";
import { withOddParity } from "./key-parity.js";

/**
 * ICC master key derivation (EMV Book 2 annex A1.4). From the 16-digit value Y:
 * MK = TDES(IMK, Y) ‖ TDES(IMK, Y XOR FF…FF), odd parity adjusted.
 */
function masterKeyFromY(imk: Buffer, y: Buffer): Buffer {
  const yInverted = Buffer.from(y.map((b) => b ^ 0xff));
  const both = Buffer.concat([y, yInverted]);
  const raw = tdesEcbEncrypt(imk, both);
  const mk = withOddParity(raw);
  for (const scratch of [y, yInverted, both, raw]) scratch.fill(0);
  return mk;
}

/** Option A: Y = the rightmost 16 digits of PAN ‖ PSN, left-padded with zeros. */
export function deriveIccMasterKeyOptionA(imk: Buffer, pan: string, psn = "00"): Buffer {
  checkDoubleLengthKey(imk, "issuer master key");
  checkPan(pan);
  checkPsn(psn);
  const y = Buffer.from(`${pan}${psn}`.slice(-16).padStart(16, "0"), "hex");
  return masterKeyFromY(imk, y);
}

/**
 * Option B, for PANs longer than 16 digits (shorter ones use option A, as the standard says):
 * SHA-1 over PAN ‖ PSN packed as BCD (left-padded with 0 to an even length); Y = the first 16 decimal
 * digits of the hex digest, topped up if short with its letters a–f decimalised to 0–5, in order.
 */
export function deriveIccMasterKeyOptionB(imk: Buffer, pan: string, psn = "00"): Buffer {
  checkPan(pan);
  if (pan.length <= 16) return deriveIccMasterKeyOptionA(imk, pan, psn);
  checkDoubleLengthKey(imk, "issuer master key");
  checkPsn(psn);
  const digits = `${pan}${psn}`;
  const bcd = Buffer.from(digits.length % 2 === 0 ? digits : `0${digits}`, "hex");
  const digest = createHash("sha1").update(bcd).digest("hex");
  bcd.fill(0);
  let y = digest.replace(/[a-f]/g, "").slice(0, 16);
  if (y.length < 16) {
    const letters = digest.replace(/[0-9]/g, "").slice(0, 16 - y.length);
    y += letters.replace(/[a-f]/g, (c) => String(c.charCodeAt(0) - 0x61));
  }
  return masterKeyFromY(imk, Buffer.from(y, "hex"));
}

/** Option A for PANs up to 16 digits, option B above: what an issuer following EMV Book 2 does. */
export function deriveIccMasterKey(imk: Buffer, pan: string, psn = "00"): Buffer {
  return deriveIccMasterKeyOptionB(imk, pan, psn);
}
