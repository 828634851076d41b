import { buildPinField, checkBlockLength, checkPin, FILL_F, readPinField } from "./pin-field.js";

/** ISO 9564-1 format 2: `2` N PIN F…F, no PAN. Only for offline PIN to the ICC (VERIFY) and PIN change. */
export function encodePinBlockIso2(pin: Buffer): Buffer {
  checkPin(pin, 2);
  return buildPinField(2, pin, new Uint8Array(14).fill(0x0f));
}

export function decodePinBlockIso2(block: Buffer): Buffer {
  checkBlockLength(block, 8, 2);
  return readPinField(block, 2, FILL_F);
}
