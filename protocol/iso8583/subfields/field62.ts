import { Iso8583Error } from "../errors.js";

/**
 * Field 62 in a sign-in response (0810): the working keys under the TMK with their check values
 * (§1.6), laid out by length. Anything else (terminal info in 0800, batch-upload data) stays raw.
 * Keys stay in Buffers; they are TMK-encrypted here and the key store unwraps them.
 */
export type SignInKeyLayout = "001" | "003" | "004";

export interface SignInKeys {
  layout: SignInKeyLayout;
  pik: Buffer;
  pikKcv: Buffer;
  mak: Buffer;
  makKcv: Buffer;
  /** Layout 003 only: the 8 bytes between the single-length MAK and its KCV (zeros in practice). */
  makFiller?: Buffer;
  /** Layout 004 only. */
  tdk?: Buffer;
  tdkKcv?: Buffer;
}

export type Field62 = SignInKeys | { layout: "raw"; data: Buffer };

/** [name, length] in wire order per layout. */
const LAYOUTS: Record<SignInKeyLayout, readonly (readonly [keyof SignInKeys, number])[]> = {
  "001": [
    ["pik", 8],
    ["pikKcv", 4],
    ["mak", 8],
    ["makKcv", 4],
  ],
  "003": [
    ["pik", 16],
    ["pikKcv", 4],
    ["mak", 8],
    ["makFiller", 8],
    ["makKcv", 4],
  ],
  "004": [
    ["pik", 16],
    ["pikKcv", 4],
    ["mak", 16],
    ["makKcv", 4],
    ["tdk", 16],
    ["tdkKcv", 4],
  ],
};

const BY_LENGTH: Record<number, SignInKeyLayout> = { 24: "001", 40: "003", 60: "004" };

/** The 60.3 code a sign-in layout belongs to: 24 bytes → 001, 40 → 003, 60 → 004. */
export function signInLayoutForLength(bytes: number): SignInKeyLayout | undefined {
  return BY_LENGTH[bytes];
}

/** Field 62 bytes → keys by length, or raw. Pass the 0810's value; other messages are raw by nature. */
export function parseField62(data: Buffer): Field62 {
  const layout = signInLayoutForLength(data.length);
  if (layout === undefined) return { layout: "raw", data: Buffer.from(data) };
  const keys = { layout } as SignInKeys;
  let pos = 0;
  for (const [name, length] of LAYOUTS[layout]) {
    (keys as unknown as Record<string, Buffer>)[name] = Buffer.from(data.subarray(pos, pos + length));
    pos += length;
  }
  return keys;
}

export function buildField62(value: Field62): Buffer {
  if (value.layout === "raw") return Buffer.from(value.data);
  const parts: Buffer[] = [];
  for (const [name, length] of LAYOUTS[value.layout]) {
    const part = value[name];
    if (!Buffer.isBuffer(part) || part.length !== length) {
      throw new Iso8583Error(`must be ${length} bytes`, { path: `field 62.${name}` });
    }
    parts.push(part);
  }
  return Buffer.concat(parts);
}
