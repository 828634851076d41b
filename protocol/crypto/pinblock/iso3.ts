import { xor } from "../cipher.js";
import { panBlockIso0, panForErrors } from "./pan.js";
import { buildPinField, checkBlockLength, checkPin, FILL_A_TO_F, readPinField } from "./pin-field.js";
import { type RandomSource, randomNibblesAtoF, systemRandom } from "./random.js";

/** ISO 9564-1 format 3: `3` N PIN then random fill A–F, XORed with the format-0 PAN block. */
export function encodePinBlockIso3(
  pin: Buffer,
  pan: string,
  options: { random?: RandomSource } = {},
): Buffer {
  checkPin(pin, 3);
  const panBlock = panBlockIso0(pan, 3);
  const fill = randomNibblesAtoF(options.random ?? systemRandom, 14 - pin.length);
  const field = buildPinField(3, pin, fill);
  const block = xor(field, panBlock);
  field.fill(0);
  return block;
}

/** A wrong PAN is caught when it turns some fill nibble out of A–F (likely, not certain). */
export function decodePinBlockIso3(block: Buffer, pan: string): Buffer {
  checkBlockLength(block, 8, 3);
  const field = xor(block, panBlockIso0(pan, 3));
  try {
    return readPinField(field, 3, FILL_A_TO_F, {
      text: `corrupt block, or not built for PAN ${panForErrors(pan)}`,
      from: 4,
    });
  } finally {
    field.fill(0);
  }
}
