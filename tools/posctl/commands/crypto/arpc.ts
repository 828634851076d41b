import type { Command } from "commander";
import { generateArpcMethod1, generateArpcMethod2 } from "../../../../protocol/crypto/emv/index.js";
import { toHex } from "../../../../protocol/hex.js";
import { action } from "../../cli-error.js";
import { choiceFlag, hexFlag, rejectFlag, requireFlag } from "../../options.js";
import { printLine, wipe } from "./output.js";

interface ArpcFlags {
  method: string;
  key: string;
  arqc: string;
  arc?: string;
  csu?: string;
  proprietary?: string;
}

function run(flags: ArpcFlags): void {
  const method = choiceFlag(flags.method, "--method", ["1", "2"] as const);
  if (method === "1") {
    rejectFlag(flags.csu, "--csu", "applies only to --method 2");
    rejectFlag(flags.proprietary, "--proprietary", "applies only to --method 2");
  } else {
    rejectFlag(flags.arc, "--arc", "applies only to --method 1");
  }
  const arqc = hexFlag(flags.arqc, "--arqc", [8]);
  const key = hexFlag(flags.key, "--key", [16]);
  let arpc: Buffer | undefined;
  try {
    if (method === "1") {
      arpc = generateArpcMethod1(key, arqc, hexFlag(requireFlag(flags.arc, "--arc"), "--arc", [2]));
    } else {
      const csu = hexFlag(requireFlag(flags.csu, "--csu"), "--csu", [4]);
      const proprietary =
        flags.proprietary === undefined
          ? undefined
          : hexFlag(flags.proprietary, "--proprietary", [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      arpc = generateArpcMethod2(key, arqc, csu, proprietary);
    }
    printLine(toHex(arpc));
  } finally {
    wipe(key, arpc);
  }
}

/** `posctl crypto arpc`: the issuer's answer to an ARQC, as the host simulator computes it for tag 91. */
export function registerArpc(crypto: Command): void {
  crypto
    .command("arpc")
    .description(
      "authorisation response cryptogram (EMV Book 2 8.2). Method 1: TDES(K, ARQC xor (ARC || 00x6)), 8 bytes. " +
        "Method 2: ISO 9797-1 alg 3, padding 2, over ARQC || CSU || proprietary data, 4 bytes. Which key " +
        "(ICC master key or AC session key) depends on the scheme: pass the one the card expects",
    )
    .requiredOption("--method <n>", "ARPC method: 1 or 2")
    .requiredOption("--key <hex>", "ARPC key, double-length TDES (16 bytes)")
    .requiredOption("--arqc <hex>", "the card's ARQC (9F26), 8 bytes")
    .option("--arc <hex>", "method 1: authorisation response code (8A), 2 bytes, e.g. 3030 for '00'")
    .option("--csu <hex>", "method 2: card status update, 4 bytes")
    .option("--proprietary <hex>", "method 2: proprietary authentication data, 0-8 bytes (default none)")
    .action(action((flags: ArpcFlags) => run(flags)));
}
