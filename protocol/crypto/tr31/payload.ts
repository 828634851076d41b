import { Tr31Error } from "./tr31-error.js";

/**
 * The clear payload of a key block: key length in bits (2 bytes, big-endian) ‖ key ‖ padding to
 * the cipher block size. Key lengths are checked against the header's algorithm.
 */
const KEY_LENGTHS: Readonly<Record<string, readonly number[]>> = {
  T: [16, 24],
  D: [8],
  A: [16, 24, 32],
};

export function checkKeyLength(algorithm: string, length: number, offset?: number): void {
  const allowed = KEY_LENGTHS[algorithm];
  if (length < 1 || (allowed !== undefined && !allowed.includes(length))) {
    throw new Tr31Error(
      `a ${length}-byte key does not fit algorithm ${algorithm}${allowed ? ` (${allowed.join("/")} bytes)` : ""}`,
      { path: "keyLength", ...(offset === undefined ? {} : { offset }) },
    );
  }
}

export function buildPayload(key: Buffer, blockSize: number, random: (n: number) => Buffer): Buffer {
  const size = Math.ceil((2 + key.length) / blockSize) * blockSize;
  const padLength = size - 2 - key.length;
  const pad = random(padLength);
  if (!Buffer.isBuffer(pad) || pad.length !== padLength) {
    throw new Tr31Error(`padding source returned ${pad?.length} bytes, wanted ${padLength}`, {
      path: "random",
    });
  }
  const payload = Buffer.alloc(size);
  payload.writeUInt16BE(key.length * 8, 0);
  key.copy(payload, 2);
  pad.copy(payload, 2 + key.length);
  pad.fill(0);
  return payload;
}

/**
 * The key out of a decrypted, MAC-verified payload. The padding may be longer than one block only
 * when it hides a shorter key behind the algorithm's longest length (key-length masking).
 * `offset` is the character offset of the encrypted payload in the block, for error messages.
 */
export function readPayload(payload: Buffer, algorithm: string, blockSize: number, offset: number): Buffer {
  const bits = payload.readUInt16BE(0);
  if (bits === 0 || bits % 8 !== 0) {
    throw new Tr31Error(`key length field ${bits} bits is not a whole number of bytes`, {
      path: "keyLength",
      offset,
    });
  }
  const length = bits / 8;
  if (2 + length > payload.length) {
    throw new Tr31Error(`key length ${length} bytes exceeds the ${payload.length}-byte payload`, {
      path: "keyLength",
      offset,
    });
  }
  checkKeyLength(algorithm, length, offset);
  const masked = Math.max(length, ...(KEY_LENGTHS[algorithm] ?? [length]));
  const longest = Math.ceil((2 + masked) / blockSize) * blockSize;
  if (payload.length > longest) {
    throw new Tr31Error(`${payload.length - 2 - length} bytes of padding after a ${length}-byte key`, {
      path: "padding",
      offset,
    });
  }
  return Buffer.from(payload.subarray(2, 2 + length));
}
