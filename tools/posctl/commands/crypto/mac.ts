import type { Command } from "commander";
import { type CmacCipher, cmac } from "../../../../protocol/crypto/cmac.js";
import { macAnsiX99, macAnsiX919, macIso9797Alg1, macIso9797Alg3 } from "../../../../protocol/crypto/mac.js";
import { unionPayEcbMac } from "../../../../protocol/crypto/mac-unionpay-ecb.js";
import { toHex } from "../../../../protocol/hex.js";
import { action } from "../../cli-error.js";
import { choiceFlag, hexFlag, rejectFlag } from "../../options.js";
import { printLine, wipe } from "./output.js";

interface MacFlags {
  alg: string;
  key: string;
  data: string;
  pad?: string;
  cipher?: string;
}

const ALGORITHMS = ["cup-ecb", "x9.9", "x9.19", "iso9797-1-1", "iso9797-1-3", "cmac"] as const;
type MacAlgorithm = (typeof ALGORITHMS)[number];
const CIPHERS: readonly CmacCipher[] = ["aes", "tdes"];

/** The ISO 9797-1 algorithms with a padding choice; CUP ECB and CMAC define their own padding. */
function blockMac(algorithm: MacAlgorithm, key: Buffer, data: Buffer, padding: 1 | 2): Buffer {
  switch (algorithm) {
    case "x9.9":
      return macAnsiX99(key, data, { padding });
    case "x9.19":
      return macAnsiX919(key, data, { padding });
    case "iso9797-1-1":
      return macIso9797Alg1(key, data, { padding });
    default:
      return macIso9797Alg3(key, data, { padding });
  }
}

function run(flags: MacFlags): void {
  const algorithm = choiceFlag(flags.alg, "--alg", ALGORITHMS);
  const ownPadding = algorithm === "cup-ecb" || algorithm === "cmac";
  if (ownPadding) rejectFlag(flags.pad, "--pad", `does not apply to --alg ${algorithm} (it pads itself)`);
  if (algorithm !== "cmac") rejectFlag(flags.cipher, "--cipher", "applies only to --alg cmac");
  const padding =
    flags.pad === undefined ? 1 : choiceFlag(flags.pad, "--pad", ["1", "2"] as const) === "1" ? 1 : 2;
  const cipher = choiceFlag(flags.cipher ?? "aes", "--cipher", CIPHERS);
  const data = hexFlag(flags.data, "--data");
  const key = hexFlag(flags.key, "--key");
  let mac: Buffer | undefined;
  try {
    if (algorithm === "cup-ecb") {
      mac = unionPayEcbMac(key, data);
      printLine(mac.toString("ascii"));
    } else {
      mac = algorithm === "cmac" ? cmac(cipher, key, data) : blockMac(algorithm, key, data, padding);
      printLine(toHex(mac));
    }
  } finally {
    wipe(key, mac);
  }
}

/** `posctl crypto mac`: every MAC the terminal computes or checks, over hex data. */
export function registerMac(crypto: Command): void {
  crypto
    .command("mac")
    .description(
      "compute a MAC over --data. cup-ecb: the UnionPay POS ECB MAC, printed as the 8 ASCII characters of " +
        "field 64/128; x9.9: single-DES CBC-MAC; x9.19: retail MAC (16-byte key); iso9797-1-1: CBC-MAC, " +
        "DES/TDES; iso9797-1-3: algorithm 3 (16-byte key); cmac: NIST SP 800-38B. Full 8 bytes (16 for AES-CMAC)",
    )
    .requiredOption("--alg <alg>", `MAC algorithm: ${ALGORITHMS.join(", ")}`)
    .requiredOption(
      "--key <hex>",
      "MAC key (MAK): 8 or 16 bytes for cup-ecb, 8 for x9.9, 16 for x9.19 and alg 3",
    )
    .requiredOption("--data <hex>", "the message (for cup-ecb the MAB) as hex; may be empty")
    .option(
      "--pad <method>",
      "ISO 9797-1 padding method 1 (zeros, default) or 2 (80 then zeros); not for cup-ecb/cmac",
    )
    .option(
      "--cipher <cipher>",
      "for --alg cmac only: aes (default; 16, 24 or 32-byte key) or tdes (16 or 24)",
    )
    .action(action((flags: MacFlags) => run(flags)));
}
