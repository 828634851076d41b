/**
 * The flash protocol's messages. The sender (posctl flash) says HELLO, sends DATA blocks and DONE; the
 * receiver (the terminal) answers STATUS, ACK/NAK and VERDICT. Replies carry the seq of the frame they
 * answer, so a late reply to a retried frame is recognised and dropped.
 */
export const FRAME_TYPES = {
  hello: 0x10,
  status: 0x11,
  data: 0x12,
  ack: 0x13,
  nak: 0x14,
  done: 0x15,
  verdict: 0x16,
} as const;

export type FlashMessageType = keyof typeof FRAME_TYPES;

/** SHA-256 length: the image id and the DONE hash. */
export const IMAGE_ID_LENGTH = 32;

/** Largest DATA block (keeps a garbage length field from stalling resynchronisation for long). */
export const MAX_BLOCK_SIZE = 8192;

export const VERDICTS = ["ok", "bad-hash", "refused"] as const;
export type FlashVerdict = (typeof VERDICTS)[number];

export interface HelloMessage {
  type: "hello";
  /** SHA-256 of the whole image. */
  imageId: Buffer;
  totalLength: number;
  blockSize: number;
  /** Drop any transfer in progress (even of another image) and start this one from offset 0. */
  restart: boolean;
}

export interface StatusMessage {
  type: "status";
  /** The image the receiver is collecting (32 zero bytes when none). */
  imageId: Buffer;
  /** The next offset the receiver needs: where the sender resumes. */
  nextOffset: number;
}

export interface DataMessage {
  type: "data";
  offset: number;
  bytes: Buffer;
}

export interface AckMessage {
  type: "ack";
  /** The next offset the receiver needs after this block. */
  offset: number;
}

export interface NakMessage {
  type: "nak";
  /** The offset the receiver needs (re)sent. */
  offset: number;
}

export interface DoneMessage {
  type: "done";
  sha256: Buffer;
}

export interface VerdictMessage {
  type: "verdict";
  verdict: FlashVerdict;
  reason: string;
}

export type FlashMessage =
  | HelloMessage
  | StatusMessage
  | DataMessage
  | AckMessage
  | NakMessage
  | DoneMessage
  | VerdictMessage;

/** A decoded frame: its sequence number and message. */
export interface FlashFrame {
  seq: number;
  message: FlashMessage;
}
