import { timingSafeEqual } from "node:crypto";
import { aesCbcDecrypt, tdesCbcDecrypt } from "../cipher.js";
import { cmac } from "../cmac.js";
import { keyBlockText, parseTr31Header, type Tr31Header } from "./header.js";
import { tr31BlockSize } from "./header-encode.js";
import { deriveTr31Keys } from "./key-derivation.js";
import { readPayload } from "./payload.js";
import { Tr31Error } from "./tr31-error.js";

export interface Tr31Unwrapped {
  header: Tr31Header;
  /** The clear key; the caller zeroes it after loading it into its slot. */
  key: Buffer;
}

const UPPER_HEX = /[^0-9A-F]/;

/**
 * Open a version B or D key block. Order matters: structure checks (header, length field, block
 * alignment, hex), then decrypt and verify the MAC in constant time, and only then look at the
 * key-length field and padding, so nothing about a forged payload is acted on or returned.
 * Versions A and C are parsed but refused (PCI PIN 18-3 asks for binding methods B/D).
 */
export function unwrapTr31(kbpk: Buffer, block: string | Buffer): Tr31Unwrapped {
  const text = keyBlockText(block);
  const header = parseTr31Header(text);
  const { version } = header;
  if (version !== "B" && version !== "D") {
    throw new Tr31Error(`version ${version} key blocks are not accepted; use B or D`, {
      path: "version",
      offset: 0,
    });
  }
  if (header.blockLength !== text.length) {
    throw new Tr31Error(`length field says ${header.blockLength} characters, block has ${text.length}`, {
      path: "length",
      offset: 1,
    });
  }
  const blockSize = tr31BlockSize(version);
  if (header.headerLength % blockSize !== 0) {
    throw new Tr31Error(`header of ${header.headerLength} characters is not a multiple of ${blockSize}`, {
      path: "optionalBlocks",
      offset: header.headerLength,
    });
  }
  const macHexLength = 2 * blockSize;
  const body = text.slice(header.headerLength);
  const bad = body.search(UPPER_HEX);
  if (bad >= 0) {
    const offset = header.headerLength + bad;
    const path = offset >= text.length - macHexLength ? "mac" : "payload";
    throw new Tr31Error(`${JSON.stringify(body[bad])} is not an uppercase hex digit`, { path, offset });
  }
  const payloadHexLength = body.length - macHexLength;
  if (payloadHexLength < 2 * blockSize || payloadHexLength % (2 * blockSize) !== 0) {
    throw new Tr31Error(
      `encrypted payload of ${payloadHexLength} hex digits is not a whole number of blocks`,
      {
        path: "payload",
        offset: header.headerLength,
      },
    );
  }

  const encrypted = Buffer.from(body.slice(0, payloadHexLength), "hex");
  const mac = Buffer.from(body.slice(payloadHexLength), "hex");
  const keys = deriveTr31Keys(version, kbpk);
  const payload =
    version === "D" ? aesCbcDecrypt(keys.kbek, encrypted, mac) : tdesCbcDecrypt(keys.kbek, encrypted, mac);
  const macInput = Buffer.concat([Buffer.from(text.slice(0, header.headerLength), "latin1"), payload]);
  const expected = cmac(version === "D" ? "aes" : "tdes", keys.kbak, macInput).subarray(0, blockSize);
  const authentic = timingSafeEqual(expected, mac);
  for (const b of [keys.kbek, keys.kbak, macInput, expected]) b.fill(0);
  if (!authentic) {
    payload.fill(0);
    throw new Tr31Error("MAC verification failed: wrong KBPK or tampered key block", {
      path: "mac",
      offset: text.length - macHexLength,
    });
  }
  try {
    return { header, key: readPayload(payload, header.algorithm, blockSize, header.headerLength) };
  } finally {
    payload.fill(0);
  }
}
