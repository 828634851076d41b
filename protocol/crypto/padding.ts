import { CryptoError } from "./crypto-error.js";

/**
 * ISO/IEC 9797-1 padding methods:
 * 1 = zeros to the block size (empty data becomes one zero block, as psec and the standard's note do);
 * 2 = one 80 byte then zeros (always adds at least one byte);
 * 3 = a block holding the data length in bits (big-endian), then method 1.
 */
export type PaddingMethod = 1 | 2 | 3;

export function padIso9797(data: Buffer, method: PaddingMethod, blockSize = 8): Buffer {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 32) {
    throw new CryptoError(`block size must be 1..32 bytes, got ${blockSize}`, { path: "padding" });
  }
  switch (method) {
    case 1:
      return zeroFill(data, blockSize);
    case 2: {
      const out = Buffer.alloc(roundUp(data.length + 1, blockSize));
      data.copy(out);
      out[data.length] = 0x80;
      return out;
    }
    case 3: {
      const lengthBlock = Buffer.alloc(blockSize);
      let bits = BigInt(data.length) * 8n;
      for (let i = blockSize - 1; i >= 0 && bits > 0n; i--) {
        lengthBlock[i] = Number(bits & 0xffn);
        bits >>= 8n;
      }
      return Buffer.concat([lengthBlock, zeroFill(data, blockSize)]);
    }
    default:
      throw new CryptoError(`unknown ISO 9797-1 padding method ${String(method)}`, { path: "padding" });
  }
}

function zeroFill(data: Buffer, blockSize: number): Buffer {
  const out = Buffer.alloc(Math.max(blockSize, roundUp(data.length, blockSize)));
  data.copy(out);
  return out;
}

function roundUp(n: number, blockSize: number): number {
  return Math.ceil(n / blockSize) * blockSize;
}
