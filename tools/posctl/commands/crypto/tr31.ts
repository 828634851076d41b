import type { Command } from "commander";
import type { Tr31Version } from "../../../../protocol/crypto/tr31/header.js";
import { unwrapTr31 } from "../../../../protocol/crypto/tr31/unwrap.js";
import { wrapTr31 } from "../../../../protocol/crypto/tr31/wrap.js";
import { toHex } from "../../../../protocol/hex.js";
import { action } from "../../cli-error.js";
import { choiceFlag, hexFlag } from "../../options.js";
import { printFields, printLine, wipe } from "./output.js";

interface UnwrapFlags {
  kbpk: string;
  block: string;
  json?: boolean;
}

interface WrapFlags {
  kbpk: string;
  key: string;
  usage: string;
  algorithm: string;
  mode: string;
  version: string;
  keyVersion: string;
  exportability: string;
}

const VERSIONS: readonly Tr31Version[] = ["B", "D"];

function unwrap(flags: UnwrapFlags): void {
  const kbpk = hexFlag(flags.kbpk, "--kbpk");
  let key: Buffer | undefined;
  try {
    const opened = unwrapTr31(kbpk, flags.block);
    key = opened.key;
    printFields({ header: opened.header, key: toHex(key) }, flags.json);
  } finally {
    wipe(kbpk, key);
  }
}

function wrap(flags: WrapFlags): void {
  const version = choiceFlag(flags.version, "--version", VERSIONS);
  const kbpk = hexFlag(flags.kbpk, "--kbpk");
  let key: Buffer | undefined;
  try {
    key = hexFlag(flags.key, "--key");
    const fields = {
      version,
      keyUsage: flags.usage,
      algorithm: flags.algorithm,
      modeOfUse: flags.mode,
      keyVersionNumber: flags.keyVersion,
      exportability: flags.exportability,
    };
    printLine(wrapTr31(kbpk, fields, key));
  } finally {
    wipe(kbpk, key);
  }
}

/** `posctl crypto tr31 wrap|unwrap`: TR-31 / ANSI X9.143 key blocks, versions B (TDES) and D (AES). */
export function registerTr31(crypto: Command): void {
  const tr31 = crypto.command("tr31").description("TR-31 / ANSI X9.143 key blocks (versions B and D)");

  tr31
    .command("unwrap")
    .description(
      "verify the MAC of a key block under the KBPK and print its parsed header and the clear key. " +
        "Versions A and C are refused (variant binding)",
    )
    .requiredOption(
      "--kbpk <hex>",
      "key block protection key: 16 or 24 bytes TDES (B); 16, 24 or 32 bytes AES (D)",
    )
    .requiredOption("--block <text>", "the key block text, e.g. B0080P0TE00E0000...")
    .option("--json", 'print {"header": {...}, "key": "HEX"} as JSON')
    .action(action((flags: UnwrapFlags) => unwrap(flags)));

  tr31
    .command("wrap")
    .description(
      "wrap a clear key in a key block and print the block text. The payload padding is random " +
        "(crypto.randomBytes), so the ciphertext and MAC differ on every run",
    )
    .requiredOption(
      "--kbpk <hex>",
      "key block protection key: TDES 16 or 24 bytes (B); AES 16, 24 or 32 bytes (D)",
    )
    .requiredOption("--key <hex>", "the clear key to wrap")
    .requiredOption(
      "--usage <xx>",
      "key usage, 2 characters, e.g. P0 (PIN), M3 (MAC alg 3), K0 (KEK), B1 (IK)",
    )
    .requiredOption("--algorithm <a>", "key algorithm: T (TDES), A (AES), D (DES), ...")
    .requiredOption("--mode <m>", "mode of use: E (encrypt), D (decrypt), B (both), C (MAC both), N, X, ...")
    .option("--version <v>", "key block version: B (TDES KBPK) or D (AES KBPK)", "B")
    .option("--key-version <nn>", "key version number, 2 characters", "00")
    .option("--exportability <e>", "E (exportable), N (not exportable) or S (sensitive)", "N")
    .action(action((flags: WrapFlags) => wrap(flags)));
}
