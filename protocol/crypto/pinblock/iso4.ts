import { aesEcbDecrypt, aesEcbEncrypt, xor } from "../cipher.js";
import { panFieldIso4, panForErrors } from "./pan.js";
import { buildPinField, checkBlockLength, checkPin, FILL_A, readPinField } from "./pin-field.js";
import { PinBlockError } from "./pinblock-error.js";
import { type RandomSource, systemRandom } from "./random.js";

/**
 * ISO 9564-1 format 4 (AES, 16-byte block). Plaintext PIN field = `4` N PIN A…A (8 bytes) ‖ 8 random
 * bytes; PAN field per `panFieldIso4`. Encipher: A = AES(K, PIN field), block = AES(K, A XOR PAN field).
 */
export function pinFieldIso4(pin: Buffer, options: { random?: RandomSource } = {}): Buffer {
  checkPin(pin, 4);
  const random = options.random ?? systemRandom;
  const head = buildPinField(4, pin, new Uint8Array(14).fill(0x0a));
  const tail = random(8);
  if (!Buffer.isBuffer(tail) || tail.length < 8) {
    head.fill(0);
    throw new PinBlockError("random source returned fewer than 8 bytes", { path: "random" });
  }
  const field = Buffer.concat([head, tail.subarray(0, 8)]);
  head.fill(0);
  tail.fill(0);
  return field;
}

function checkAesKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || (key.length !== 16 && key.length !== 24 && key.length !== 32)) {
    throw new PinBlockError(`ISO format 4 needs an AES key of 16, 24 or 32 bytes, got ${key?.length ?? 0}`, {
      path: "key",
    });
  }
}

export function encipherPinBlockIso4(
  key: Buffer,
  pin: Buffer,
  pan: string,
  options: { random?: RandomSource } = {},
): Buffer {
  checkAesKey(key);
  const panField = panFieldIso4(pan);
  const pinField = pinFieldIso4(pin, options);
  const a = aesEcbEncrypt(key, pinField);
  const b = xor(a, panField);
  const block = aesEcbEncrypt(key, b);
  for (const scratch of [pinField, a, b]) scratch.fill(0);
  return block;
}

/** Deciphers and validates; a wrong key or PAN gives a random PIN field, which fails validation. */
export function decipherPinBlockIso4(key: Buffer, block: Buffer, pan: string): Buffer {
  checkAesKey(key);
  checkBlockLength(block, 16, 4);
  const panField = panFieldIso4(pan);
  const b = aesEcbDecrypt(key, block);
  const a = xor(b, panField);
  const pinField = aesEcbDecrypt(key, a);
  try {
    return readPinField(pinField.subarray(0, 8), 4, FILL_A, {
      text: `corrupt block, wrong key, or not built for PAN ${panForErrors(pan)}`,
      from: 0,
    });
  } finally {
    for (const scratch of [b, a, pinField]) scratch.fill(0);
  }
}
