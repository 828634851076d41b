import type { Command } from "commander";
import { type KcvAlgorithm, keyCheckValue } from "../../../../protocol/crypto/kcv.js";
import { toHex } from "../../../../protocol/hex.js";
import { action } from "../../cli-error.js";
import { choiceFlag, hexFlag, integerFlag } from "../../options.js";
import { printLine, wipe } from "./output.js";

interface KcvFlags {
  key: string;
  alg: string;
  length?: string;
}

const ALGORITHMS: readonly KcvAlgorithm[] = ["tdes", "aes"];

/** `posctl crypto kcv`: the check value a key ceremony, a sign-in or a TR-31 block quotes for a key. */
export function registerKcv(crypto: Command): void {
  crypto
    .command("kcv")
    .description(
      "key check value (ANSI X9.24-1 annex A). tdes: leftmost bytes of TDES(K, 00x8) (legacy method); " +
        "aes: leftmost bytes of AES-CMAC(K, 00x16) (CMAC method). Both default to 3 bytes here",
    )
    .requiredOption("--key <hex>", "the clear key: DES/TDES 8, 16 or 24 bytes; AES 16, 24 or 32 bytes")
    .option("--alg <alg>", "algorithm the key is used with: tdes or aes", "tdes")
    .option("--length <bytes>", "bytes of check value to print: 2-8 for tdes, 2-16 for aes (default 3)")
    .action(
      action((flags: KcvFlags) => {
        const algorithm = choiceFlag(flags.alg, "--alg", ALGORITHMS);
        const length =
          flags.length === undefined
            ? 3
            : integerFlag(flags.length, "--length", { min: 2, max: algorithm === "aes" ? 16 : 8 });
        const key = hexFlag(flags.key, "--key");
        try {
          printLine(toHex(keyCheckValue(algorithm, key, { length })));
        } finally {
          wipe(key);
        }
      }),
    );
}
