import { aesEcbEncrypt } from "../cipher.js";
import { DukptError } from "./dukpt-error.js";

/**
 * X9.24-3 "Derive_Key": AES-ECB of the derivation data under the parent key, one block per 16
 * bytes of output with the block counter (byte 1) counting up, truncated to the length in bits
 * that the derivation data names.
 */
export function deriveAesDukptKey(parentKey: Buffer, derivationData: Buffer): Buffer {
  if (derivationData.length !== 16) {
    throw new DukptError(`derivation data must be 16 bytes, got ${derivationData.length}`, {
      path: "derivationData",
    });
  }
  const bytes = derivationData.readUInt16BE(6) / 8;
  const data = Buffer.from(derivationData);
  const blocks: Buffer[] = [];
  for (let i = 1; i <= Math.ceil(bytes / 16); i++) {
    data[1] = i;
    blocks.push(aesEcbEncrypt(parentKey, data));
  }
  const joined = Buffer.concat(blocks);
  const key = Buffer.from(joined.subarray(0, bytes));
  for (const b of [...blocks, joined, data]) b.fill(0);
  return key;
}
