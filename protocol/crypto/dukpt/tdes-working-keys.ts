import { tdesEcbEncrypt, xor } from "../cipher.js";
import { DukptError } from "./dukpt-error.js";

/**
 * TDES DUKPT working keys: the transaction key XORed with a per-usage variant on both halves
 * (X9.24-1:2009 A.6 and the request/response variants of the 2009 edition). The data variants
 * add a one-way step: the variant key encrypts itself (TDES-ECB over both halves), so that a
 * data key exposed to an application cannot be turned back into the PIN or MAC key.
 */
export type TdesDukptKeyUsage = "pin" | "mac-request" | "mac-response" | "data-request" | "data-response";

const HALF_MASKS: Record<TdesDukptKeyUsage, string> = {
  pin: "00000000000000FF",
  "mac-request": "000000000000FF00",
  "mac-response": "00000000FF000000",
  "data-request": "0000000000FF0000",
  "data-response": "000000FF00000000",
};

const VARIANTS = Object.fromEntries(
  Object.entries(HALF_MASKS).map(([usage, half]) => [usage, Buffer.from(half + half, "hex")]),
) as Record<TdesDukptKeyUsage, Buffer>;

export function deriveTdesWorkingKey(transactionKey: Buffer, usage: TdesDukptKeyUsage): Buffer {
  if (transactionKey.length !== 16) {
    throw new DukptError(`TDES DUKPT transaction key must be 16 bytes, got ${transactionKey.length}`, {
      path: "transactionKey",
    });
  }
  const variant = VARIANTS[usage];
  if (variant === undefined) throw new DukptError(`unknown key usage ${String(usage)}`, { path: "usage" });
  const key = xor(transactionKey, variant);
  if (usage !== "data-request" && usage !== "data-response") return key;
  const oneWay = tdesEcbEncrypt(key, key);
  key.fill(0);
  return oneWay;
}
