import { ETX, encodeStxEtx, STX, StxEtxDecoder, type StxEtxOptions } from "../framing/stx-etx.js";
import { EcrMessageError } from "./ecr-error.js";

/** Positive acknowledgement of a frame with a good LRC. */
export const ACK = 0x06;
/** Negative acknowledgement: the LRC did not match (or the frame was cut): send it again. */
export const NAK = 0x15;
/** Largest JSON payload on the serial link (a payment response with its slips is ~3 KB). */
export const ECR_SERIAL_MAX_DATA = 64 * 1024;

/**
 * `STX | JSON (UTF-8) | ETX | LRC`, LRC = XOR of the JSON bytes and ETX. JSON text never holds a raw
 * 0x02/0x03 (control characters are escaped as \u0002), so no length field is needed; ACK and NAK are
 * single bytes between frames.
 */
export const ECR_SERIAL_FRAMING: StxEtxOptions = {
  lengthField: "none",
  maxDataLength: ECR_SERIAL_MAX_DATA,
  controlBytes: [ACK, NAK],
};

export function encodeEcrSerialFrame(json: Uint8Array): Buffer {
  const bad = json.findIndex((byte) => byte === STX || byte === ETX);
  if (bad !== -1)
    throw new EcrMessageError("raw STX/ETX inside the JSON", { path: "serial frame", offset: bad });
  if (json.length > ECR_SERIAL_MAX_DATA) {
    throw new EcrMessageError(`${json.length} bytes exceed the maximum ${ECR_SERIAL_MAX_DATA}`, {
      path: "serial frame",
    });
  }
  return encodeStxEtx(json, ECR_SERIAL_FRAMING);
}

/** The receiving side: frames, bad LRCs (to NAK), and the ACK/NAK bytes of the peer. */
export function createEcrSerialDecoder(): StxEtxDecoder {
  return new StxEtxDecoder(ECR_SERIAL_FRAMING);
}
