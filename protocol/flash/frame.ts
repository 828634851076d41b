import { crc32 } from "./crc32.js";
import { FlashFrameError } from "./flash-error.js";
import { type FlashFrame, type FlashMessage, FRAME_TYPES, MAX_BLOCK_SIZE } from "./messages.js";
import { decodePayload, encodePayload, messageTypeOf } from "./payload.js";

/** Start of a frame. */
export const SOH = 0x01;
/** SOH, type, seq (u32 BE), length (u16 BE). */
export const HEADER_LENGTH = 8;
/** CRC-32 (u32 BE) over type..payload. */
export const TRAILER_LENGTH = 4;
/** Wire bytes a frame adds around its payload. */
export const FRAME_OVERHEAD = HEADER_LENGTH + TRAILER_LENGTH;
/** Largest payload: a DATA offset plus the largest block. */
export const MAX_PAYLOAD = 4 + MAX_BLOCK_SIZE;

/** `SOH ‖ type ‖ seq ‖ length ‖ payload ‖ CRC-32(type..payload)`. */
export function encodeFlashFrame(seq: number, message: FlashMessage): Buffer {
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffffffff) {
    throw new FlashFrameError(`must be a u32, got ${seq}`, { path: "seq" });
  }
  const payload = encodePayload(message);
  if (payload.length > MAX_PAYLOAD) {
    throw new FlashFrameError(`payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD}`, {
      path: "length",
    });
  }
  const frame = Buffer.alloc(FRAME_OVERHEAD + payload.length);
  frame[0] = SOH;
  frame[1] = FRAME_TYPES[message.type];
  frame.writeUInt32BE(seq, 2);
  frame.writeUInt16BE(payload.length, 6);
  payload.copy(frame, HEADER_LENGTH);
  frame.writeUInt32BE(crc32(frame, 1, HEADER_LENGTH + payload.length), HEADER_LENGTH + payload.length);
  return frame;
}

/** Decodes exactly one whole frame (no leading garbage, no trailing bytes). */
export function decodeFlashFrame(bytes: Buffer): FlashFrame {
  if (bytes.length < FRAME_OVERHEAD) {
    throw new FlashFrameError(`frame of ${bytes.length} bytes is shorter than ${FRAME_OVERHEAD}`, {
      path: "frame",
      offset: bytes.length,
    });
  }
  if (bytes[0] !== SOH)
    throw new FlashFrameError(`expected SOH, got ${bytes[0]}`, { path: "soh", offset: 0 });
  const type = messageTypeOf(bytes[1]!);
  if (type === undefined)
    throw new FlashFrameError(`unknown frame type ${bytes[1]}`, { path: "type", offset: 1 });
  const length = bytes.readUInt16BE(6);
  if (length > MAX_PAYLOAD) {
    throw new FlashFrameError(`payload length ${length} exceeds ${MAX_PAYLOAD}`, {
      path: "length",
      offset: 6,
    });
  }
  if (bytes.length !== FRAME_OVERHEAD + length) {
    throw new FlashFrameError(
      `frame is ${bytes.length} bytes, its length field says ${FRAME_OVERHEAD + length}`,
      {
        path: "length",
        offset: 6,
      },
    );
  }
  const end = HEADER_LENGTH + length;
  if (crc32(bytes, 1, end) !== bytes.readUInt32BE(end)) {
    throw new FlashFrameError("CRC-32 mismatch", { path: "crc", offset: end });
  }
  return {
    seq: bytes.readUInt32BE(2),
    message: decodePayload(type, bytes.subarray(HEADER_LENGTH, end), HEADER_LENGTH),
  };
}
