import { DC3, ESCAPE_OFFSET, ETB, MAX_PACKET_DATA, SYN } from "./control.js";
import { crc16 } from "./crc16.js";
import { PinPadCodecError } from "./pinpad-codec-error.js";

/** Bytes that cannot appear raw inside PKTDATA. */
export function needsEscape(byte: number): boolean {
  return byte === DC3 || byte === SYN || byte === ETB;
}

/**
 * Builds `SYN | escaped PKTDATA | ETB | CRC16 (big-endian)`. The CRC covers the unescaped PKTDATA and
 * ETB, and is itself sent raw (the spec's DSP example ends `17 52 13`: a raw 13 in the CRC).
 */
export function encodeFrame(data: Uint8Array): Buffer {
  if (data.length === 0 || data.length > MAX_PACKET_DATA) {
    throw new PinPadCodecError(`PKTDATA must be 1..${MAX_PACKET_DATA} bytes, got ${data.length}`, {
      path: "packet",
    });
  }
  let escapes = 0;
  for (const byte of data) if (needsEscape(byte)) escapes++;
  const frame = Buffer.alloc(1 + data.length + escapes + 3);
  let at = 0;
  frame[at++] = SYN;
  for (const byte of data) {
    if (needsEscape(byte)) {
      frame[at++] = DC3;
      frame[at++] = byte + ESCAPE_OFFSET;
    } else {
      frame[at++] = byte;
    }
  }
  frame[at++] = ETB;
  const crc = crc16(Buffer.from([ETB]), crc16(data));
  frame.writeUInt16BE(crc, at);
  return frame;
}
