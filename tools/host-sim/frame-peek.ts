import { bitmapFields } from "../../protocol/iso8583/bitmap.js";
import { MESSAGE_OFFSET } from "../../protocol/iso8583/cup/frame.js";
import { cupSpec } from "../../protocol/iso8583/cup/spec.js";
import { readBcd } from "../../protocol/iso8583/encoding/bcd.js";
import { compileSpec } from "../../protocol/iso8583/message.js";

/** What could be read from a frame that does not unpack: enough to answer 30, or nothing. */
export interface PeekedRequest {
  mti: string;
  fields: Record<number, string>;
}

const WANTED = new Set([11, 41, 42]);

/**
 * Reads the MTI and, field by field in bitmap order, as far as the damage allows, STAN (11), terminal
 * (41) and merchant (42). Never throws: a frame too broken for an MTI gives undefined.
 */
export function peekRequest(frame: Buffer): PeekedRequest | undefined {
  const spec = compileSpec(cupSpec);
  let mti: string;
  try {
    mti = readBcd(frame, MESSAGE_OFFSET, 4, "right", "decimal", "mti", 0);
  } catch {
    return undefined;
  }
  const fields: Record<number, string> = {};
  const bitmapAt = MESSAGE_OFFSET + 2;
  if (bitmapAt + 8 > frame.length || (frame[bitmapAt]! & 0x80) !== 0) return { mti, fields };
  const cursor = { pos: bitmapAt + 8 };
  for (const n of bitmapFields(frame, bitmapAt, 8)) {
    const codec = spec.codecs[n];
    if (!codec) break;
    try {
      const value = codec.read(frame, cursor, frame.length, 0);
      if (WANTED.has(n)) fields[n] = value;
    } catch {
      break;
    }
    if (n >= 42) break;
  }
  return { mti, fields };
}
