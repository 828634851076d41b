import type { Command } from "commander";
import { generateApplicationCryptogram } from "../../../../protocol/crypto/emv/index.js";
import { toHex } from "../../../../protocol/hex.js";
import { action } from "../../cli-error.js";
import { choiceFlag, hexFlag } from "../../options.js";
import { printLine, wipe } from "./output.js";

interface ArqcFlags {
  key: string;
  data: string;
  pad: string;
}

/** `posctl crypto arqc`: the card's cryptogram over CDOL data, for the host simulator's issuer checks. */
export function registerArqc(crypto: Command): void {
  crypto
    .command("arqc")
    .description(
      "application cryptogram (ARQC/TC/AAC): ISO 9797-1 MAC algorithm 3 under the AC session key over the " +
        "CDOL-selected data, 8 bytes",
    )
    .requiredOption("--key <hex>", "AC session key, double-length TDES (16 bytes); see emv-keys")
    .requiredOption(
      "--data <hex>",
      "the data the card MACs (amounts, TVR, UN, AIP, ATC, ... as the CDOL lists)",
    )
    .option(
      "--pad <method>",
      "ISO 9797-1 padding: 2 (80 then zeros; EMV default) or 1 (zeros; Visa CVN 10/18)",
      "2",
    )
    .action(
      action((flags: ArqcFlags) => {
        const padding = choiceFlag(flags.pad, "--pad", ["1", "2"] as const) === "1" ? 1 : 2;
        const data = hexFlag(flags.data, "--data");
        const key = hexFlag(flags.key, "--key", [16]);
        try {
          printLine(toHex(generateApplicationCryptogram(key, data, padding)));
        } finally {
          wipe(key);
        }
      }),
    );
}
