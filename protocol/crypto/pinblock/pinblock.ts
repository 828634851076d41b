import { decodePinBlockIso0, encodePinBlockIso0 } from "./iso0.js";
import { decodePinBlockIso1, encodePinBlockIso1 } from "./iso1.js";
import { decodePinBlockIso2, encodePinBlockIso2 } from "./iso2.js";
import { decodePinBlockIso3, encodePinBlockIso3 } from "./iso3.js";
import { PinBlockError } from "./pinblock-error.js";
import type { RandomSource } from "./random.js";

/** The 8-byte formats (0–3) by number, for code that takes the format from configuration. */
export type PinBlockSpec = { format: 0 | 3; pan: string } | { format: 1 | 2 };

export interface EncodePinBlockOptions {
  /** Fill source for formats 1 and 3; defaults to crypto.randomBytes. */
  random?: RandomSource;
}

export function encodePinBlock(pin: Buffer, spec: PinBlockSpec, options: EncodePinBlockOptions = {}): Buffer {
  switch (spec.format) {
    case 0:
      return encodePinBlockIso0(pin, spec.pan);
    case 1:
      return encodePinBlockIso1(pin, options);
    case 2:
      return encodePinBlockIso2(pin);
    case 3:
      return encodePinBlockIso3(pin, spec.pan, options);
    default:
      throw unknownFormat(spec);
  }
}

export function decodePinBlock(block: Buffer, spec: PinBlockSpec): Buffer {
  switch (spec.format) {
    case 0:
      return decodePinBlockIso0(block, spec.pan);
    case 1:
      return decodePinBlockIso1(block);
    case 2:
      return decodePinBlockIso2(block);
    case 3:
      return decodePinBlockIso3(block, spec.pan);
    default:
      throw unknownFormat(spec);
  }
}

function unknownFormat(spec: never): PinBlockError {
  return new PinBlockError(
    `unsupported 8-byte PIN block format ${String((spec as { format: unknown }).format)}`,
    {
      path: "format",
    },
  );
}
