import { ProtocolError } from "../errors.js";

/**
 * Every ISO 8583 pack/unpack failure. `path` names the field ("field 35", "field 60.2", "mti",
 * "bitmap", "frame.length") and `offset` the byte where the problem sits, so a certification
 * engineer can go straight to it in a hex dump.
 */
export class Iso8583Error extends ProtocolError {}

/** "field 35" — the one spelling every error and describe line uses. */
export function fieldPath(field: number | string): string {
  return `field ${field}`;
}
