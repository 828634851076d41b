import { type DisplayLines, decodeDisplayText, encodeDisplayText } from "../display-text.js";
import { FieldReader, FieldWriter } from "../fields.js";
import { type PinPadCommand, type PinPadResponse, singleBlock } from "../message.js";
import { PinPadCodecError } from "../pinpad-codec-error.js";

/**
 * GPN — get PIN (blocking; the pad sends NTM notifications while the cardholder types). One block,
 * the ABECS GPN layout plus a GOC-style timeout:
 *
 *   METHOD  N1  0 MK/WK DES, 1 MK/WK TDES, 2 DUKPT DES, 3 DUKPT TDES
 *   KEYIDX  N2  working-key slot (MK/WK) or DUKPT key set
 *   WKENC   H32 32 zeros: use the key LWK loaded into KEYIDX (other values are refused with 011)
 *   PANLEN  N2  / PAN A19 (left-aligned, space-padded)
 *   ENTRIES N1  "1"
 *   MIN N2, MAX N2  PIN length bounds, 04–12
 *   MSG     S32 prompt, 2 × 16
 *   TIMEOUT N3  seconds the pad waits for the cardholder (000: the pad's default)
 *
 * Response block (LEN 036): PINBLK H16 (ISO 9564 format 0, enciphered) | KSN H20 (zeros for MK/WK).
 */
export type PinMethod = 0 | 1 | 2 | 3;

export const PIN_METHOD = { mkwkDes: 0, mkwkTdes: 1, dukptDes: 2, dukptTdes: 3 } as const;

export function isDukptMethod(method: PinMethod): boolean {
  return method === 2 || method === 3;
}

export interface GetPinParams {
  method: PinMethod;
  keyIndex: number;
  pan: string;
  minLength: number;
  maxLength: number;
  prompt: DisplayLines;
  timeoutSeconds: number;
}

export interface GetPinResult {
  pinBlock: Buffer;
  /** 10-byte KSN; all zeros for MK/WK. */
  ksn: Buffer;
}

const PAN = /^[0-9]{1,19}$/;

function checkLengths(min: number, max: number): void {
  if (min < 4 || max > 12 || min > max) {
    throw new PinPadCodecError(`PIN length bounds must satisfy 4 ≤ MIN ≤ MAX ≤ 12, got ${min}..${max}`, {
      path: "GPN.MIN",
    });
  }
}

export function getPinCommand(params: GetPinParams): PinPadCommand {
  if (!PAN.test(params.pan)) throw new PinPadCodecError("must be 1..19 decimal digits", { path: "GPN.PAN" });
  if (![0, 1, 2, 3].includes(params.method))
    throw new PinPadCodecError("must be 0..3", { path: "GPN.METHOD" });
  checkLengths(params.minLength, params.maxLength);
  const block = new FieldWriter()
    .numeric("GPN.METHOD", params.method, 1)
    .numeric("GPN.KEYIDX", params.keyIndex, 2)
    .hex("GPN.WKENC", Buffer.alloc(16))
    .numeric("GPN.PANLEN", params.pan.length, 2)
    .alphanumeric("GPN.PAN", params.pan, 19)
    .numeric("GPN.ENTRIES", 1, 1)
    .numeric("GPN.MIN", params.minLength, 2)
    .numeric("GPN.MAX", params.maxLength, 2)
    .raw(encodeDisplayText(params.prompt, "GPN.MSG"))
    .numeric("GPN.TIMEOUT", params.timeoutSeconds, 3)
    .toBuffer();
  return { id: "GPN", blocks: [block] };
}

export interface DecodedGetPin extends Omit<GetPinParams, "prompt"> {
  prompt: [string, string];
  /** The WKENC field: all zeros in this profile. */
  workingKeyCiphertext: Buffer;
}

export function decodeGetPinCommand(command: PinPadCommand): DecodedGetPin {
  const reader = new FieldReader(singleBlock(command, true)!, 6);
  const method = reader.numeric("GPN.METHOD", 1);
  if (method > 3)
    throw new PinPadCodecError(`must be 0..3, got ${method}`, { path: "GPN.METHOD", offset: 6 });
  const keyIndex = reader.numeric("GPN.KEYIDX", 2);
  const workingKeyCiphertext = reader.hex("GPN.WKENC", 32);
  const panLength = reader.numeric("GPN.PANLEN", 2);
  const panField = reader.alphanumeric("GPN.PAN", 19);
  if (panLength < 1 || panLength > 19 || panField.length !== panLength || !PAN.test(panField)) {
    throw new PinPadCodecError(`PAN must be PANLEN (${panLength}) decimal digits`, {
      path: "GPN.PAN",
      offset: 43,
    });
  }
  const entries = reader.numeric("GPN.ENTRIES", 1);
  if (entries !== 1)
    throw new PinPadCodecError(`must be 1, got ${entries}`, { path: "GPN.ENTRIES", offset: 62 });
  const minLength = reader.numeric("GPN.MIN", 2);
  const maxLength = reader.numeric("GPN.MAX", 2);
  checkLengths(minLength, maxLength);
  const prompt = decodeDisplayText(reader, "GPN.MSG");
  const timeoutSeconds = reader.numeric("GPN.TIMEOUT", 3);
  reader.end("GPN");
  return {
    method: method as PinMethod,
    keyIndex,
    workingKeyCiphertext,
    pan: panField,
    minLength,
    maxLength,
    prompt,
    timeoutSeconds,
  };
}

export const GPN_RESPONSE_LENGTH = 36;

export function getPinResponse(result: GetPinResult): PinPadResponse {
  const block = new FieldWriter()
    .hex("GPN.PINBLK", result.pinBlock, 16)
    .hex("GPN.KSN", result.ksn, 20)
    .toBuffer();
  return { id: "GPN", status: 0, blocks: [block] };
}

export function decodeGetPinResponse(response: PinPadResponse): GetPinResult {
  const reader = new FieldReader(singleBlock(response, true)!, 9);
  const pinBlock = reader.hex("GPN.PINBLK", 16);
  const ksn = reader.hex("GPN.KSN", 20);
  reader.end("GPN");
  return { pinBlock, ksn };
}
