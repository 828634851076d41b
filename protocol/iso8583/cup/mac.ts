import { setBit } from "../bitmap.js";
import { Iso8583Error } from "../errors.js";
import { type CompiledSpec, compileSpec, type FieldLayout, pack, unpackRange } from "../message.js";
import type { Iso8583Message, MessageSpec } from "../spec.js";
import { cupSpec } from "./spec.js";

/**
 * The MAC boundary (reference §1.9). The MAC block (MAB) is the packed message from the MTI
 * through the last byte of the highest field below 64, with bit 64 already set in the bitmap.
 * The algorithm (POS ECB, X9.19, …) belongs to the crypto code: it gets `macInput` and hands
 * back the 8 bytes that go into field 64.
 */

export const MAC_FIELD = 64;
export const MAC_SIZE = 8;

function layoutOf(spec: MessageSpec | CompiledSpec, packed: Buffer): FieldLayout[] {
  const layout: FieldLayout[] = [];
  // A MAB itself (bit 64 set, field 64 not there yet) is accepted too.
  unpackRange(compileSpec(spec), packed, 0, packed.length, 0, layout, true);
  return layout;
}

/** The MAB of a packed message (MTI onwards, with or without field 64 present). */
export function macInput(packed: Buffer, spec: MessageSpec | CompiledSpec = cupSpec): Buffer {
  const layout = layoutOf(spec, packed);
  const bitmap = layout[1]!;
  const firstAfter = layout.find((l) => l.field >= MAC_FIELD);
  const end = firstAfter ? firstAfter.offset : packed.length;
  const mab = Buffer.from(packed.subarray(0, end));
  setBit(mab, bitmap.offset, MAC_FIELD);
  return mab;
}

/** A copy of the message with field 64 set from the 8 MAC bytes the crypto code produced. */
export function withMac(message: Iso8583Message, mac: Buffer): Iso8583Message {
  if (mac.length !== MAC_SIZE) {
    throw new Iso8583Error(`MAC must be ${MAC_SIZE} bytes, got ${mac.length}`, { path: "field 64" });
  }
  return { mti: message.mti, fields: { ...message.fields, [MAC_FIELD]: mac.toString("hex").toUpperCase() } };
}

/**
 * Packs the message with field 64, computing the MAC over the MAB with `mac` (which must return
 * 8 bytes). The MAC is written in place: one pack, no second pass.
 */
export function packWithMac(
  message: Iso8583Message,
  mac: (mab: Buffer) => Buffer,
  spec: MessageSpec | CompiledSpec = cupSpec,
): Buffer {
  const placeholder = "0".repeat(MAC_SIZE * 2);
  const packed = pack(spec, { mti: message.mti, fields: { ...message.fields, [MAC_FIELD]: placeholder } });
  const mab = packed.subarray(0, packed.length - MAC_SIZE);
  const value = mac(mab);
  if (value.length !== MAC_SIZE) {
    throw new Iso8583Error(`MAC must be ${MAC_SIZE} bytes, got ${value.length}`, { path: "field 64" });
  }
  value.copy(packed, packed.length - MAC_SIZE);
  return packed;
}

/** Field 64's 8 bytes in a packed message, or undefined when bit 64 is not set. */
export function macOf(packed: Buffer, spec: MessageSpec | CompiledSpec = cupSpec): Buffer | undefined {
  const entry = layoutOf(spec, packed).find((l) => l.field === MAC_FIELD);
  return entry ? Buffer.from(packed.subarray(entry.offset, entry.offset + entry.length)) : undefined;
}

/**
 * CUP carries the MAC as 8 ASCII hex characters: the first 4 bytes of the final cipher block,
 * hex-expanded ("B3A092AE" → 42 33 41 30 39 32 41 45).
 */
export function asciiHexMac(finalBlock: Buffer): Buffer {
  if (finalBlock.length < 4) {
    throw new Iso8583Error(`final MAC block must be at least 4 bytes, got ${finalBlock.length}`, {
      path: "field 64",
    });
  }
  return Buffer.from(finalBlock.subarray(0, 4).toString("hex").toUpperCase(), "latin1");
}
