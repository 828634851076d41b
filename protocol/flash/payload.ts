import { FlashFrameError } from "./flash-error.js";
import {
  type FlashMessage,
  type FlashMessageType,
  type FlashVerdict,
  FRAME_TYPES,
  IMAGE_ID_LENGTH,
  MAX_BLOCK_SIZE,
  VERDICTS,
} from "./messages.js";

const TYPE_BY_CODE = new Map<number, FlashMessageType>(
  Object.entries(FRAME_TYPES).map(([name, code]) => [code, name as FlashMessageType]),
);

/** The message type a frame's type byte names, or undefined for an unknown code. */
export function messageTypeOf(code: number): FlashMessageType | undefined {
  return TYPE_BY_CODE.get(code);
}

function u32(value: number, what: string): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new FlashFrameError(`must be a u32, got ${value}`, { path: what });
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

function hash(value: Buffer, what: string): Buffer {
  if (value.length !== IMAGE_ID_LENGTH) {
    throw new FlashFrameError(`must be ${IMAGE_ID_LENGTH} bytes, got ${value.length}`, { path: what });
  }
  return value;
}

/** The payload bytes of a message (everything between the length field and the CRC). */
export function encodePayload(message: FlashMessage): Buffer {
  switch (message.type) {
    case "hello": {
      if (
        !Number.isInteger(message.blockSize) ||
        message.blockSize < 1 ||
        message.blockSize > MAX_BLOCK_SIZE
      ) {
        throw new FlashFrameError(`must be 1..${MAX_BLOCK_SIZE}, got ${message.blockSize}`, {
          path: "hello.blockSize",
        });
      }
      const tail = Buffer.alloc(3);
      tail.writeUInt16BE(message.blockSize);
      tail[2] = message.restart ? 1 : 0;
      return Buffer.concat([
        hash(message.imageId, "hello.imageId"),
        u32(message.totalLength, "hello.totalLength"),
        tail,
      ]);
    }
    case "status":
      return Buffer.concat([
        hash(message.imageId, "status.imageId"),
        u32(message.nextOffset, "status.nextOffset"),
      ]);
    case "data":
      if (message.bytes.length > MAX_BLOCK_SIZE) {
        throw new FlashFrameError(`block of ${message.bytes.length} bytes exceeds ${MAX_BLOCK_SIZE}`, {
          path: "data.bytes",
        });
      }
      return Buffer.concat([u32(message.offset, "data.offset"), message.bytes]);
    case "ack":
    case "nak":
      return u32(message.offset, `${message.type}.offset`);
    case "done":
      return Buffer.from(hash(message.sha256, "done.sha256"));
    case "verdict":
      return Buffer.concat([
        Buffer.of(VERDICTS.indexOf(message.verdict)),
        Buffer.from(message.reason, "utf8"),
      ]);
  }
}

function need(payload: Buffer, length: number, exact: boolean, path: string, base: number): void {
  if (exact ? payload.length !== length : payload.length < length) {
    throw new FlashFrameError(
      `payload must be ${exact ? "" : "at least "}${length} bytes, got ${payload.length}`,
      {
        path,
        offset: base,
      },
    );
  }
}

/** Decodes a payload of a known type; `base` is the payload's offset in the input, for messages. */
export function decodePayload(type: FlashMessageType, payload: Buffer, base = 0): FlashMessage {
  switch (type) {
    case "hello": {
      need(payload, IMAGE_ID_LENGTH + 7, true, "hello", base);
      const blockSize = payload.readUInt16BE(36);
      if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
        throw new FlashFrameError(`must be 1..${MAX_BLOCK_SIZE}, got ${blockSize}`, {
          path: "hello.blockSize",
          offset: base + 36,
        });
      }
      const flags = payload[38]!;
      if (flags > 1)
        throw new FlashFrameError(`unknown flags ${flags}`, { path: "hello.flags", offset: base + 38 });
      return {
        type,
        imageId: Buffer.from(payload.subarray(0, 32)),
        totalLength: payload.readUInt32BE(32),
        blockSize,
        restart: flags === 1,
      };
    }
    case "status":
      need(payload, IMAGE_ID_LENGTH + 4, true, "status", base);
      return { type, imageId: Buffer.from(payload.subarray(0, 32)), nextOffset: payload.readUInt32BE(32) };
    case "data":
      need(payload, 4, false, "data", base);
      return { type, offset: payload.readUInt32BE(0), bytes: Buffer.from(payload.subarray(4)) };
    case "ack":
    case "nak":
      need(payload, 4, true, type, base);
      return { type, offset: payload.readUInt32BE(0) };
    case "done":
      need(payload, IMAGE_ID_LENGTH, true, "done", base);
      return { type, sha256: Buffer.from(payload) };
    case "verdict": {
      need(payload, 1, false, "verdict", base);
      const verdict: FlashVerdict | undefined = VERDICTS[payload[0]!];
      if (verdict === undefined) {
        throw new FlashFrameError(`unknown verdict code ${payload[0]}`, {
          path: "verdict.code",
          offset: base,
        });
      }
      return { type, verdict, reason: payload.subarray(1).toString("utf8") };
    }
  }
}
