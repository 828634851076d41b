import { xor } from "../cipher.js";
import { panBlockIso0, panForErrors } from "./pan.js";
import { buildPinField, checkBlockLength, checkPin, FILL_F, readPinField } from "./pin-field.js";

/** ISO 9564-1 format 0: `0` N PIN F…F, XORed with `0000` ‖ 12 PAN digits left of the check digit. */
export function encodePinBlockIso0(pin: Buffer, pan: string): Buffer {
  checkPin(pin, 0);
  const panBlock = panBlockIso0(pan, 0);
  const field = buildPinField(0, pin, new Uint8Array(14).fill(0x0f));
  const block = xor(field, panBlock);
  field.fill(0);
  return block;
}

/** Decodes a clear format-0 block; a wrong PAN almost always shows up as bad F fill. */
export function decodePinBlockIso0(block: Buffer, pan: string): Buffer {
  checkBlockLength(block, 8, 0);
  const field = xor(block, panBlockIso0(pan, 0));
  try {
    return readPinField(field, 0, FILL_F, {
      text: `corrupt block, or not built for PAN ${panForErrors(pan)}`,
      from: 4,
    });
  } finally {
    field.fill(0);
  }
}
