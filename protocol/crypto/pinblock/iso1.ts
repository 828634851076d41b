import { buildPinField, checkBlockLength, checkPin, FILL_ANY, readPinField } from "./pin-field.js";
import { type RandomSource, randomNibbles, systemRandom } from "./random.js";

/**
 * ISO 9564-1 format 1: `1` N PIN then random fill 0–F; no PAN. The fill takes the random bytes'
 * nibbles high first, so a caller who wants openemv's transaction-number fill passes its bytes reversed.
 */
export function encodePinBlockIso1(pin: Buffer, options: { random?: RandomSource } = {}): Buffer {
  checkPin(pin, 1);
  return buildPinField(1, pin, randomNibbles(options.random ?? systemRandom, 14 - pin.length));
}

/** Any fill nibble is legal in format 1, so a corrupted fill nibble cannot be detected. */
export function decodePinBlockIso1(block: Buffer): Buffer {
  checkBlockLength(block, 8, 1);
  return readPinField(block, 1, FILL_ANY);
}
