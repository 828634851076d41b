import { type AesDukptKeyType, aesKeyTypeInfo } from "./aes-key-type.js";
import { DukptError } from "./dukpt-error.js";

/**
 * The 16-byte derivation data block of X9.24-3:2017 6.3.2:
 *
 *   01 | block counter | key usage (2) | algorithm (2) | length in bits (2) | 8 data bytes
 *
 * The data bytes are the initial key ID for the initial key, otherwise the right half of the
 * initial key ID followed by the 32-bit transaction counter. The block counter starts at 01 and
 * `deriveAesDukptKey` bumps it per 16 bytes of output.
 */
export function aesDerivationData(usage: number, keyType: AesDukptKeyType, data: Buffer): Buffer {
  if (data.length !== 8) {
    throw new DukptError(`derivation data field must be 8 bytes, got ${data.length}`, {
      path: "derivationData",
    });
  }
  const info = aesKeyTypeInfo(keyType);
  const block = Buffer.alloc(16);
  block[0] = 0x01;
  block[1] = 0x01;
  block.writeUInt16BE(usage, 2);
  block.writeUInt16BE(info.algorithm, 4);
  block.writeUInt16BE(info.bits, 6);
  data.copy(block, 8);
  return block;
}
