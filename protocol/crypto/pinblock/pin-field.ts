import { PinBlockError } from "./pinblock-error.js";

/**
 * The 16-nibble PIN field shared by every ISO 9564-1 format: control nibble, PIN length N (4–12),
 * N PIN digits, fill. PINs travel as Buffers of ASCII digits and are never turned into strings.
 */

const ZERO = 0x30;

export function checkPin(pin: Buffer, format: number): void {
  if (!Buffer.isBuffer(pin) || pin.length < 4 || pin.length > 12) {
    throw new PinBlockError(`ISO format ${format}: PIN must be 4..12 digits, got ${pin?.length ?? 0}`, {
      path: "pin",
    });
  }
  for (let i = 0; i < pin.length; i++) {
    const c = pin[i]!;
    if (c < ZERO || c > ZERO + 9) {
      throw new PinBlockError(`ISO format ${format}: PIN character ${i + 1} is not an ASCII digit`, {
        path: "pin",
      });
    }
  }
}

/** Packs control ‖ N ‖ PIN ‖ fill into 8 bytes; `fill` must hold 14 − N nibbles. Wipes its scratch. */
export function buildPinField(control: number, pin: Buffer, fill: Uint8Array): Buffer {
  const nibbles = new Uint8Array(16);
  nibbles[0] = control;
  nibbles[1] = pin.length;
  for (let i = 0; i < pin.length; i++) nibbles[2 + i] = pin[i]! - ZERO;
  nibbles.set(fill.subarray(0, 14 - pin.length), 2 + pin.length);
  const field = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) field[i] = (nibbles[2 * i]! << 4) | nibbles[2 * i + 1]!;
  nibbles.fill(0);
  fill.fill(0);
  return field;
}

export interface FillRule {
  /** How the message names the expected fill, e.g. "F" or "A..F". */
  name: string;
  accepts(nibble: number): boolean;
}

/**
 * Where a wrong PAN or key can surface: errors at nibble `from` onwards get `text` appended. Formats 0/3
 * XOR the PAN from nibble 4 on; in format 4 every nibble depends on key and PAN.
 */
export interface DecodeHint {
  text: string;
  from: number;
}

function nibbleAt(field: Buffer, position: number): number {
  const byte = field[position >> 1]!;
  return position % 2 === 0 ? byte >> 4 : byte & 0x0f;
}

/** Validates an 8-byte clear PIN field and returns the PIN as ASCII digits. Never echoes PIN digits. */
export function readPinField(field: Buffer, control: number, fill: FillRule, hint?: DecodeHint): Buffer {
  const path = "pinblock";
  const format = `ISO format ${control}`;
  const because = (position: number) => (hint && position >= hint.from ? ` (${hint.text})` : "");
  const actualControl = nibbleAt(field, 0);
  if (actualControl !== control) {
    throw new PinBlockError(
      `not an ${format} PIN block (control field ${actualControl.toString(16).toUpperCase()})${because(0)}`,
      {
        path,
        offset: 0,
      },
    );
  }
  const length = nibbleAt(field, 1);
  if (length < 4 || length > 12) {
    throw new PinBlockError(`${format}: PIN length must be 4..12, got ${length}${because(1)}`, {
      path,
      offset: 0,
    });
  }
  for (let i = 0; i < length; i++) {
    if (nibbleAt(field, 2 + i) > 9) {
      throw new PinBlockError(`${format}: PIN digit ${i + 1} is not a decimal digit${because(2 + i)}`, {
        path,
        offset: (2 + i) >> 1,
      });
    }
  }
  for (let p = 2 + length; p < 16; p++) {
    if (!fill.accepts(nibbleAt(field, p))) {
      throw new PinBlockError(`${format}: fill nibble ${p} is not ${fill.name}${because(p)}`, {
        path,
        offset: p >> 1,
      });
    }
  }
  const pin = Buffer.alloc(length);
  for (let i = 0; i < length; i++) pin[i] = ZERO + nibbleAt(field, 2 + i);
  return pin;
}

export const FILL_F: FillRule = { name: "F", accepts: (n) => n === 0x0f };
export const FILL_ANY: FillRule = { name: "0..F", accepts: () => true };
export const FILL_A_TO_F: FillRule = { name: "A..F", accepts: (n) => n >= 0x0a };
export const FILL_A: FillRule = { name: "A", accepts: (n) => n === 0x0a };

export function checkBlockLength(block: Buffer, expected: number, format: number): void {
  if (!Buffer.isBuffer(block) || block.length !== expected) {
    throw new PinBlockError(
      `ISO format ${format}: PIN block must be ${expected} bytes, got ${block?.length ?? 0}`,
      {
        path: "pinblock",
      },
    );
  }
}
