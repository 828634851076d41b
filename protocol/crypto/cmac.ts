import { aesCbcEncrypt, aesEcbEncrypt, tdesCbcEncrypt, tdesEcbEncrypt, xor } from "./cipher.js";
import { CryptoError } from "./crypto-error.js";

/**
 * CMAC (NIST SP 800-38B / ISO 9797-1 MAC algorithm 5) over AES or TDES.
 * Node has no CMAC (no createMac; WebCrypto lacks AES-CMAC), so it is built here over ECB.
 */
export type CmacCipher = "aes" | "tdes";

function shiftLeft(block: Buffer): Buffer {
  const out = Buffer.allocUnsafe(block.length);
  let carry = 0;
  for (let i = block.length - 1; i >= 0; i--) {
    const b = block[i]!;
    out[i] = ((b << 1) | carry) & 0xff;
    carry = b >> 7;
  }
  return out;
}

function subkey(previous: Buffer, rb: number): Buffer {
  const shifted = shiftLeft(previous);
  if (previous[0]! & 0x80) shifted[shifted.length - 1]! ^= rb;
  return shifted;
}

/** Full-length CMAC (16 bytes for AES, 8 for TDES); truncate at the call site when a spec says so. */
export function cmac(cipher: CmacCipher, key: Buffer, message: Buffer): Buffer {
  const blockSize = cipher === "aes" ? 16 : 8;
  const rb = cipher === "aes" ? 0x87 : 0x1b;
  const encrypt = cipher === "aes" ? aesEcbEncrypt : tdesEcbEncrypt;
  if (cipher === "tdes" && key.length === 8) {
    throw new CryptoError("TDES-CMAC needs a 16- or 24-byte key", { path: "key" });
  }

  const l = encrypt(key, Buffer.alloc(blockSize));
  const k1 = subkey(l, rb);
  const k2 = subkey(k1, rb);

  const blocks = Math.max(1, Math.ceil(message.length / blockSize));
  const complete = message.length > 0 && message.length % blockSize === 0;
  const last = Buffer.alloc(blockSize);
  message.copy(last, 0, (blocks - 1) * blockSize);
  if (!complete) last[message.length - (blocks - 1) * blockSize] = 0x80;
  const lastMasked = xor(last, complete ? k1 : k2);

  // CBC over all blocks with the masked last block; the MAC is the last ciphertext block.
  const data = Buffer.concat([message.subarray(0, (blocks - 1) * blockSize), lastMasked]);
  const chain = cipher === "aes" ? aesCbcEncrypt(key, data) : tdesCbcEncrypt(key, data);
  const mac = Buffer.from(chain.subarray(chain.length - blockSize));

  for (const b of [l, k1, k2, last, lastMasked, data, chain]) b.fill(0);
  return mac;
}
