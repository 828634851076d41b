import { Iso8583Error } from "../errors.js";
import { type CompiledSpec, compileSpec, pack, unpackRange } from "../message.js";
import type { Iso8583Message, MessageSpec } from "../spec.js";
import { type CupHeader, decodeHeader, encodeHeader, HEADER_SIZE } from "./header.js";
import { cupSpec } from "./spec.js";
import { decodeTpdu, encodeTpdu, TPDU_SIZE, type Tpdu } from "./tpdu.js";

/**
 * A CUP frame on TCP: 2-byte binary big-endian length (counts everything after itself) + TPDU +
 * header + message (reference §1.1).
 */
export interface CupFrame {
  tpdu: Tpdu;
  header: CupHeader;
  message: Iso8583Message;
}

export const LENGTH_SIZE = 2;
/** Offset of the MTI inside a frame. */
export const MESSAGE_OFFSET = LENGTH_SIZE + TPDU_SIZE + HEADER_SIZE;

/** Frame → bytes; the length is computed. */
export function packFrame(frame: CupFrame, spec: MessageSpec | CompiledSpec = cupSpec): Buffer {
  return frameMessage(frame.tpdu, frame.header, pack(spec, frame.message));
}

/**
 * Frames an already packed message (e.g. one packed with its MAC by `packWithMac`): length, TPDU,
 * header, message bytes.
 */
export function frameMessage(tpdu: Tpdu, header: CupHeader, packed: Buffer): Buffer {
  const length = TPDU_SIZE + HEADER_SIZE + packed.length;
  if (length > 0xffff) throw new Iso8583Error(`frame too long: ${length} bytes`, { path: "frame.length" });
  const out = Buffer.allocUnsafe(LENGTH_SIZE + length);
  out.writeUInt16BE(length, 0);
  encodeTpdu(tpdu, out, LENGTH_SIZE);
  encodeHeader(header, out, LENGTH_SIZE + TPDU_SIZE);
  packed.copy(out, MESSAGE_OFFSET);
  return out;
}

/** Bytes → frame. The length must agree with the bytes that follow it exactly. */
export function unpackFrame(buf: Buffer, spec: MessageSpec | CompiledSpec = cupSpec): CupFrame {
  if (buf.length < LENGTH_SIZE) {
    throw new Iso8583Error(`short frame: length needs 2 bytes, ${buf.length} left`, {
      path: "frame.length",
      offset: 0,
    });
  }
  const length = buf.readUInt16BE(0);
  if (length !== buf.length - LENGTH_SIZE) {
    throw new Iso8583Error(
      `length ${length} disagrees with the ${buf.length - LENGTH_SIZE} bytes that follow`,
      {
        path: "frame.length",
        offset: 0,
      },
    );
  }
  return unpackFrameAt(buf, LENGTH_SIZE, spec);
}

/**
 * A frame's body as a stream decoder hands it over (the length prefix already consumed): TPDU,
 * header, message. Offsets in errors count from the start of the whole frame.
 */
export function unpackFrameBody(body: Buffer, spec: MessageSpec | CompiledSpec = cupSpec): CupFrame {
  return unpackFrameAt(body, 0, spec, LENGTH_SIZE);
}

function unpackFrameAt(buf: Buffer, start: number, spec: MessageSpec | CompiledSpec, base = 0): CupFrame {
  const tpdu = decodeTpdu(buf, start, base);
  const header = decodeHeader(buf, start + TPDU_SIZE, base);
  const message = unpackRange(compileSpec(spec), buf, start + TPDU_SIZE + HEADER_SIZE, buf.length, base);
  return { tpdu, header, message };
}

/** For stream readers: the total frame size announced by the first two bytes, or undefined. */
export function frameSize(buf: Buffer): number | undefined {
  return buf.length < LENGTH_SIZE ? undefined : LENGTH_SIZE + buf.readUInt16BE(0);
}
