/** ISO 9564-1 PIN blocks, formats 0–4, clear and enciphered. PINs are Buffers of ASCII digits. */
export { decryptPinBlock, encryptPinBlock } from "./encrypted.js";
export { decodePinBlockIso0, encodePinBlockIso0 } from "./iso0.js";
export { decodePinBlockIso1, encodePinBlockIso1 } from "./iso1.js";
export { decodePinBlockIso2, encodePinBlockIso2 } from "./iso2.js";
export { decodePinBlockIso3, encodePinBlockIso3 } from "./iso3.js";
export { decipherPinBlockIso4, encipherPinBlockIso4, pinFieldIso4 } from "./iso4.js";
export { panBlockIso0, panFieldIso4, panForErrors } from "./pan.js";
export { decodePinBlock, type EncodePinBlockOptions, encodePinBlock, type PinBlockSpec } from "./pinblock.js";
export { PinBlockError } from "./pinblock-error.js";
export { type RandomSource, systemRandom } from "./random.js";
