import { randomBytes } from "node:crypto";
import { toHex } from "../../hex.js";
import { aesCbcEncrypt, tdesCbcEncrypt } from "../cipher.js";
import { cmac } from "../cmac.js";
import { encodeTr31Header, type Tr31HeaderFields, tr31BlockSize } from "./header-encode.js";
import { deriveTr31Keys } from "./key-derivation.js";
import { buildPayload, checkKeyLength } from "./payload.js";
import { Tr31Error } from "./tr31-error.js";

export interface Tr31WrapOptions {
  /** Source of the payload padding; defaults to crypto.randomBytes. Tests inject fixed bytes. */
  random?: (n: number) => Buffer;
}

/**
 * Wrap a key in a version B (TDES) or D (AES) key block:
 *   MAC = CMAC(KBAK, header ‖ clear payload) (8 bytes for B, 16 for D),
 *   ciphertext = CBC(KBEK, payload, IV = MAC),
 *   block = header ‖ hex(ciphertext) ‖ hex(MAC).
 * The caller's key and KBPK are not modified; derived keys and the clear payload are zeroed.
 */
export function wrapTr31(
  kbpk: Buffer,
  fields: Tr31HeaderFields,
  key: Buffer,
  options: Tr31WrapOptions = {},
): string {
  const version = fields.version;
  if (version !== "B" && version !== "D") {
    throw new Tr31Error(`only versions B and D are wrapped, not ${JSON.stringify(version)}`, {
      path: "version",
    });
  }
  checkKeyLength(fields.algorithm, key.length);
  const blockSize = tr31BlockSize(version);
  const payloadLength = Math.ceil((2 + key.length) / blockSize) * blockSize;
  const header = encodeTr31Header(fields, 2 * (payloadLength + blockSize));

  const keys = deriveTr31Keys(version, kbpk);
  const payload = buildPayload(key, blockSize, options.random ?? randomBytes);
  const macInput = Buffer.concat([Buffer.from(header, "latin1"), payload]);
  try {
    const mac = cmac(version === "D" ? "aes" : "tdes", keys.kbak, macInput).subarray(0, blockSize);
    const encrypted =
      version === "D" ? aesCbcEncrypt(keys.kbek, payload, mac) : tdesCbcEncrypt(keys.kbek, payload, mac);
    return header + toHex(encrypted) + toHex(mac);
  } finally {
    for (const b of [keys.kbek, keys.kbak, payload, macInput]) b.fill(0);
  }
}
