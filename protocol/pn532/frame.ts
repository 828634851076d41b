import { Pn532Error } from "./pn532-error.js";

/**
 * PN532 host-link frames (UM0701-02 §6.2; device-protocols.md §1.1):
 *   normal    00 00 FF LEN LCS TFI PD0..PDn DCS 00        LEN = count of TFI+PD (1..255)
 *   extended  00 00 FF FF FF LENm LENl LCS TFI PD.. DCS 00 (firmware accepts at most 265 = TFI + 264)
 * with (LEN + LCS) & 0xFF = 0 and (TFI + ΣPD + DCS) & 0xFF = 0.
 */

/** TFI of frames the host sends to the PN532. */
export const TFI_HOST_TO_PN532 = 0xd4;
/** TFI of frames the PN532 sends to the host. */
export const TFI_PN532_TO_HOST = 0xd5;
/** TFI of the application-level error (syntax error) frame. */
export const TFI_ERROR = 0x7f;

/** Largest TFI+PD count the PN532 firmware handles (libnfc PN53x_EXTENDED_FRAME__DATA_MAX_LEN 264 + TFI). */
export const MAX_FRAME_LENGTH = 265;
/** Largest TFI+PD count a normal frame can carry; anything longer goes in an extended frame. */
export const MAX_NORMAL_LENGTH = 255;

/** ACK: PN532→host after every good command; host→PN532 it aborts the command in progress. */
export const ACK_FRAME: Readonly<Buffer> = Buffer.from([0x00, 0x00, 0xff, 0x00, 0xff, 0x00]);
/** NACK: host→PN532 only, "send your last response again". */
export const NACK_FRAME: Readonly<Buffer> = Buffer.from([0x00, 0x00, 0xff, 0xff, 0x00, 0x00]);
/** Application-level error frame: the PN532 did not understand the command's parameters. */
export const ERROR_FRAME: Readonly<Buffer> = Buffer.from([0x00, 0x00, 0xff, 0x01, 0xff, 0x7f, 0x81, 0x00]);

/** The byte that makes `bytes` sum to 0 mod 256 (used for both LCS and DCS). */
export function checksum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  for (const byte of bytes) sum += byte;
  return (0x100 - (sum & 0xff)) & 0xff;
}

export interface EncodeFrameOptions {
  /** Force the extended layout even when the payload fits a normal frame (hosts may always use it). */
  extended?: boolean;
}

/** Builds an information frame: `tfi` followed by `payload` (PD0..PDn, PD0 being the command code). */
export function encodeFrame(tfi: number, payload: Uint8Array, options: EncodeFrameOptions = {}): Buffer {
  const length = payload.length + 1;
  if (length > MAX_FRAME_LENGTH) {
    throw new Pn532Error(`TFI+data of ${length} bytes exceeds the PN532 maximum ${MAX_FRAME_LENGTH}`, {
      path: "frame.LEN",
    });
  }
  const extended = options.extended === true || length > MAX_NORMAL_LENGTH;
  const header = extended ? 8 : 5;
  const frame = Buffer.alloc(header + length + 2);
  frame[0] = 0x00;
  frame[1] = 0x00;
  frame[2] = 0xff;
  if (extended) {
    frame[3] = 0xff;
    frame[4] = 0xff;
    frame[5] = length >> 8;
    frame[6] = length & 0xff;
    frame[7] = checksum(frame.subarray(5, 7));
  } else {
    frame[3] = length;
    frame[4] = checksum(frame.subarray(3, 4));
  }
  frame[header] = tfi;
  frame.set(payload, header + 1);
  frame[header + length] = checksum(frame.subarray(header, header + length));
  frame[header + length + 1] = 0x00;
  return frame;
}

/** A command frame host→PN532 (TFI D4); `payload` starts with the command code. */
export function encodeCommandFrame(payload: Uint8Array, options: EncodeFrameOptions = {}): Buffer {
  return encodeFrame(TFI_HOST_TO_PN532, payload, options);
}

/** A response frame PN532→host (TFI D5); `payload` starts with the response code (command + 1). */
export function encodeResponseFrame(payload: Uint8Array): Buffer {
  return encodeFrame(TFI_PN532_TO_HOST, payload);
}
