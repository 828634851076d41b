import { xor } from "../cipher.js";
import { cmac } from "../cmac.js";
import type { Tr31Version } from "./header.js";
import { Tr31Error } from "./tr31-error.js";

/**
 * Key block encryption and authentication keys (KBEK, KBAK) from the key block protection key.
 *
 * B and D (X9.143 "key derivation binding"): CMAC of the KBPK over
 *   counter (1) ‖ usage (2: 0000 encryption, 0001 MAC) ‖ 00 ‖ algorithm (2) ‖ length in bits (2),
 * one CMAC output per counter value until the KBPK's length is reached. TDES for B (algorithm
 * 0000 2TDEA / 0001 3TDEA), AES for D (0002/0003/0004 for AES-128/192/256).
 * A and C ("variant binding"): KBEK = KBPK ⊕ 45…, KBAK = KBPK ⊕ 4D…; kept for reading legacy blocks.
 */
export interface Tr31Keys {
  kbek: Buffer;
  kbak: Buffer;
}

const TDES_ALGORITHMS: Record<number, number> = { 16: 0x0000, 24: 0x0001 };
const AES_ALGORITHMS: Record<number, number> = { 16: 0x0002, 24: 0x0003, 32: 0x0004 };

function derive(cipher: "tdes" | "aes", kbpk: Buffer, usage: number, algorithm: number): Buffer {
  const outputSize = cipher === "aes" ? 16 : 8;
  const parts: Buffer[] = [];
  for (let counter = 1; parts.length * outputSize < kbpk.length; counter++) {
    const input = Buffer.alloc(8);
    input[0] = counter;
    input.writeUInt16BE(usage, 1);
    input.writeUInt16BE(algorithm, 4);
    input.writeUInt16BE(kbpk.length * 8, 6);
    parts.push(cmac(cipher, kbpk, input));
  }
  const joined = Buffer.concat(parts);
  const key = Buffer.from(joined.subarray(0, kbpk.length));
  for (const b of [...parts, joined]) b.fill(0);
  return key;
}

export function deriveTr31Keys(version: Tr31Version, kbpk: Buffer): Tr31Keys {
  switch (version) {
    case "A":
    case "C": {
      if (kbpk.length !== 16 && kbpk.length !== 24) {
        throw new Tr31Error(`version ${version} needs a 16- or 24-byte TDES KBPK, got ${kbpk.length}`, {
          path: "kbpk",
        });
      }
      return {
        kbek: xor(kbpk, Buffer.alloc(kbpk.length, 0x45)),
        kbak: xor(kbpk, Buffer.alloc(kbpk.length, 0x4d)),
      };
    }
    case "B": {
      const algorithm = TDES_ALGORITHMS[kbpk.length];
      if (algorithm === undefined) {
        throw new Tr31Error(`version B needs a 16- or 24-byte TDES KBPK, got ${kbpk.length}`, {
          path: "kbpk",
        });
      }
      return { kbek: derive("tdes", kbpk, 0x0000, algorithm), kbak: derive("tdes", kbpk, 0x0001, algorithm) };
    }
    case "D": {
      const algorithm = AES_ALGORITHMS[kbpk.length];
      if (algorithm === undefined) {
        throw new Tr31Error(`version D needs a 16-, 24- or 32-byte AES KBPK, got ${kbpk.length}`, {
          path: "kbpk",
        });
      }
      return { kbek: derive("aes", kbpk, 0x0000, algorithm), kbak: derive("aes", kbpk, 0x0001, algorithm) };
    }
    default:
      throw new Tr31Error(`unknown key block version ${JSON.stringify(version)}`, { path: "version" });
  }
}
