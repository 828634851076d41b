import { FieldReader, FieldWriter } from "../fields.js";
import { type PinPadCommand, singleBlock } from "../message.js";
import { PinPadCodecError } from "../pinpad-codec-error.js";

/**
 * LWK — load working key. ABECS 2.12 has no key-load command (its GPN carries the working key
 * ciphertext with every PIN request), so this one is designed in the same style for the CUP sign-in
 * flow, where the PIK/MAK arrive under the TMK with check values. One block:
 *
 *   SLOT   N2  working-key slot 00–99 the key is stored in
 *   MKIDX  N2  master key (TMK) index 00–99 the ciphertext is enciphered under
 *   USAGE  A1  "P" PIN key, "M" MAC key (a key is only ever used for its usage)
 *   KEYLEN N2  key length in bytes: 08, 16 or 24
 *   KEY    H   key ciphertext, TDES-ECB under the master key (2 × KEYLEN hex digits)
 *   KCVLEN N1  check value length in bytes, 2–8
 *   KCV    H   leftmost KCVLEN bytes of TDES(clear key, 00×8)
 *
 * The pad decrypts the key, compares the check value (constant time) and stores it only on a match.
 * Answers: 000 stored, 042 master key absent, 091 check value mismatch, 011 bad parameter.
 * The clear key never leaves the pad, so nothing comes back but the status.
 */
export type WorkingKeyUsage = "pin" | "mac";

export interface LoadWorkingKeyParams {
  slot: number;
  masterKeyIndex: number;
  usage: WorkingKeyUsage;
  ciphertext: Buffer;
  kcv: Buffer;
}

const USAGE_CODE: Record<WorkingKeyUsage, string> = { pin: "P", mac: "M" };
const KEY_LENGTHS = new Set([8, 16, 24]);

function checkLengths(keyLength: number, kcvLength: number, offset?: number): void {
  const at = offset === undefined ? {} : { offset };
  if (!KEY_LENGTHS.has(keyLength)) {
    throw new PinPadCodecError(`key must be 8, 16 or 24 bytes, got ${keyLength}`, {
      path: "LWK.KEYLEN",
      ...at,
    });
  }
  if (kcvLength < 2 || kcvLength > 8) {
    throw new PinPadCodecError(`check value must be 2..8 bytes, got ${kcvLength}`, { path: "LWK.KCVLEN" });
  }
}

export function loadWorkingKeyCommand(params: LoadWorkingKeyParams): PinPadCommand {
  checkLengths(params.ciphertext.length, params.kcv.length);
  const code = USAGE_CODE[params.usage];
  if (code === undefined) throw new PinPadCodecError("must be pin or mac", { path: "LWK.USAGE" });
  const block = new FieldWriter()
    .numeric("LWK.SLOT", params.slot, 2)
    .numeric("LWK.MKIDX", params.masterKeyIndex, 2)
    .alphanumeric("LWK.USAGE", code, 1)
    .numeric("LWK.KEYLEN", params.ciphertext.length, 2)
    .hex("LWK.KEY", params.ciphertext)
    .numeric("LWK.KCVLEN", params.kcv.length, 1)
    .hex("LWK.KCV", params.kcv)
    .toBuffer();
  return { id: "LWK", blocks: [block] };
}

export function decodeLoadWorkingKeyCommand(command: PinPadCommand): LoadWorkingKeyParams {
  const reader = new FieldReader(singleBlock(command, true)!, 6);
  const slot = reader.numeric("LWK.SLOT", 2);
  const masterKeyIndex = reader.numeric("LWK.MKIDX", 2);
  const code = reader.alphanumeric("LWK.USAGE", 1);
  const usage: WorkingKeyUsage | undefined = code === "P" ? "pin" : code === "M" ? "mac" : undefined;
  if (!usage)
    throw new PinPadCodecError(`must be P or M, got ${JSON.stringify(code)}`, {
      path: "LWK.USAGE",
      offset: 10,
    });
  const keyLength = reader.numeric("LWK.KEYLEN", 2);
  checkLengths(keyLength, 2, 11);
  const ciphertext = reader.hex("LWK.KEY", keyLength * 2);
  const kcvLength = reader.numeric("LWK.KCVLEN", 1);
  checkLengths(keyLength, kcvLength);
  const kcv = reader.hex("LWK.KCV", kcvLength * 2);
  reader.end("LWK");
  return { slot, masterKeyIndex, usage, ciphertext, kcv };
}
