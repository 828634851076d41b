import { tdesEcbEncrypt, xor } from "./cipher.js";
import { equalConstantTime } from "./constant-time.js";
import { MacError } from "./mac-error.js";

/**
 * The China UnionPay POS "ECB" MAC (银联 POS ECB MAC, field 64/128). Neither ECB nor CBC-MAC:
 * 1. XOR all 8-byte blocks of the MAB (last one zero-padded) into R;
 * 2. hex-expand R to 16 uppercase ASCII characters H1 ‖ H2;
 * 3. E1 = E(MAK, H1); E2 = E(MAK, E1 XOR H2), E = DES for an 8-byte MAK, 2-key TDES for a 16-byte one;
 * 4. MAC = the first 8 characters of E2 hex-expanded, i.e. 8 ASCII bytes.
 */

const HEX_DIGITS = Buffer.from("0123456789ABCDEF", "ascii");

/** Step 1: XOR of every 8-byte block of the MAB, the last one zero-padded. Empty MAB gives 00×8. */
export function unionPayMabXor(mab: Buffer): Buffer {
  const r = Buffer.alloc(8);
  for (let i = 0; i < mab.length; i++) r[i % 8]! ^= mab[i]!;
  return r;
}

/** Uppercase ASCII hex of `bytes`, written straight into a Buffer (no JS string). */
function hexExpand(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    out[2 * i] = HEX_DIGITS[bytes[i]! >> 4]!;
    out[2 * i + 1] = HEX_DIGITS[bytes[i]! & 0x0f]!;
  }
  return out;
}

function checkMak(mak: Buffer): void {
  if (mak.length !== 8 && mak.length !== 16) {
    throw new MacError(`UnionPay ECB MAC key must be 8 or 16 bytes, got ${mak.length}`, { path: "mak" });
  }
}

/** The 8 ASCII bytes that go into field 64 (or 128). */
export function unionPayEcbMac(mak: Buffer, mab: Buffer): Buffer {
  checkMak(mak);
  const r = unionPayMabXor(mab);
  const h = hexExpand(r);
  const e1 = tdesEcbEncrypt(mak, h.subarray(0, 8));
  const mixed = xor(e1, h.subarray(8, 16));
  const e2 = tdesEcbEncrypt(mak, mixed);
  const mac = hexExpand(e2.subarray(0, 4));
  for (const b of [r, h, e1, mixed, e2]) b.fill(0);
  return mac;
}

/** Checks a received field 64 (8 ASCII bytes) against the MAB, in constant time. */
export function verifyUnionPayEcbMac(mak: Buffer, mab: Buffer, field64: Buffer): boolean {
  return equalConstantTime(unionPayEcbMac(mak, mab), field64);
}
