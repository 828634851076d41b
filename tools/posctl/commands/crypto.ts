import type { Command } from "commander";
import { registerArpc } from "./crypto/arpc.js";
import { registerArqc } from "./crypto/arqc.js";
import { registerDukpt } from "./crypto/dukpt.js";
import { registerEmvKeys } from "./crypto/emv-keys.js";
import { registerKcv } from "./crypto/kcv.js";
import { registerMac } from "./crypto/mac.js";
import { registerPinBlock } from "./crypto/pinblock.js";
import { registerSignInKeys } from "./crypto/signin-keys.js";
import { registerTr31 } from "./crypto/tr31.js";

/**
 * `posctl crypto …`: the payment crypto of protocol/crypto at the command line, for checking a host's or
 * a card's numbers by hand. Hex in, uppercase hex out; keys are parsed into Buffers and wiped after use.
 * Bad input exits with status 2 and one line naming the flag. Keys on a command line end up in shell
 * history and `ps`: use test keys only.
 */
export function registerCrypto(program: Command): void {
  const crypto = program
    .command("crypto")
    .description(
      "payment crypto: PIN blocks, KCV, MACs, DUKPT, TR-31, sign-in keys, EMV keys and cryptograms",
    );
  registerPinBlock(crypto);
  registerKcv(crypto);
  registerMac(crypto);
  registerDukpt(crypto);
  registerTr31(crypto);
  registerSignInKeys(crypto);
  registerEmvKeys(crypto);
  registerArqc(crypto);
  registerArpc(crypto);
}
