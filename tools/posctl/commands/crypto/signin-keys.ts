import type { Command } from "commander";
import { splitSignInKeys, unwrapWorkingKeys } from "../../../../protocol/crypto/working-keys.js";
import { toHex } from "../../../../protocol/hex.js";
import { action } from "../../cli-error.js";
import { hexFlag } from "../../options.js";
import { printFields, wipe } from "./output.js";

interface SignInFlags {
  tmk: string;
  field62: string;
  json?: boolean;
}

/** `posctl crypto signin-keys`: what the terminal does with 0810 field 62, for checking a host's keys by hand. */
export function registerSignInKeys(crypto: Command): void {
  crypto
    .command("signin-keys")
    .description(
      "unwrap the working keys of a UnionPay sign-in response (0810 field 62) under the TMK and verify each " +
        "4-byte check value; the layout (001: 24 bytes, 003: 40, 004: 60) follows from the length. Any " +
        "mismatch refuses the whole set (exit 2, naming the key)",
    )
    .requiredOption("--tmk <hex>", "terminal master key (TDES, 16 bytes; 8 or 24 also accepted)")
    .requiredOption("--field62 <hex>", "field 62 of the 0810 as hex (24, 40 or 60 bytes)")
    .option("--json", 'print {"layout", "pik", "mak", "tdk"?} as JSON')
    .action(
      action((flags: SignInFlags) => {
        const field62 = hexFlag(flags.field62, "--field62");
        const tmk = hexFlag(flags.tmk, "--tmk");
        let wrapped: Buffer[] = [];
        let clear: Map<string, Buffer> | undefined;
        try {
          const { layout, keys } = splitSignInKeys(field62);
          wrapped = keys.map((key) => key.ciphertext);
          clear = unwrapWorkingKeys(tmk, keys);
          const fields: Record<string, string> = { layout };
          for (const [name, key] of clear) fields[name] = toHex(key);
          printFields(fields, flags.json);
        } finally {
          wipe(tmk, field62, ...wrapped, ...(clear?.values() ?? []));
        }
      }),
    );
}
