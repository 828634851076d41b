import type { Command } from "commander";
import {
  deriveAcSessionKey,
  deriveIccMasterKey,
  deriveIccMasterKeyOptionA,
  deriveIccMasterKeyOptionB,
  deriveMastercardSessionKey,
  deriveVisaSmSessionKey,
} from "../../../../protocol/crypto/emv/index.js";
import { toHex } from "../../../../protocol/hex.js";
import { action, UsageError } from "../../cli-error.js";
import { choiceFlag, hexFlag, rejectFlag } from "../../options.js";
import { printFields, wipe } from "./output.js";

interface EmvKeysFlags {
  imk: string;
  pan: string;
  psn: string;
  atc?: string;
  option?: string;
  session?: string;
  un?: string;
  json?: boolean;
}

const SESSIONS = ["common", "mastercard", "visa"] as const;

function masterKey(imk: Buffer, flags: EmvKeysFlags): Buffer {
  if (flags.option === undefined) return deriveIccMasterKey(imk, flags.pan, flags.psn);
  const option = choiceFlag(flags.option, "--option", ["a", "b"] as const);
  return option === "a"
    ? deriveIccMasterKeyOptionA(imk, flags.pan, flags.psn)
    : deriveIccMasterKeyOptionB(imk, flags.pan, flags.psn);
}

function sessionKey(mk: Buffer, atcText: string, flags: EmvKeysFlags): Buffer {
  const session = choiceFlag(flags.session ?? "common", "--session", SESSIONS);
  if (session !== "mastercard") rejectFlag(flags.un, "--un", "applies only to --session mastercard");
  const atc = hexFlag(atcText, "--atc", [2]);
  switch (session) {
    case "common":
      return deriveAcSessionKey(mk, atc);
    case "visa":
      return deriveVisaSmSessionKey(mk, atc);
    case "mastercard": {
      if (flags.un === undefined) throw new UsageError("--session mastercard needs --un (9F37, 4 bytes)");
      return deriveMastercardSessionKey(mk, atc, hexFlag(flags.un, "--un", [4]));
    }
  }
}

function run(flags: EmvKeysFlags): void {
  if (flags.atc === undefined) {
    rejectFlag(flags.session, "--session", "needs --atc (no session key without one)");
    rejectFlag(flags.un, "--un", "needs --atc (no session key without one)");
  }
  const imk = hexFlag(flags.imk, "--imk", [16]);
  let mk: Buffer | undefined;
  let sk: Buffer | undefined;
  try {
    mk = masterKey(imk, flags);
    const fields: Record<string, string> = { iccMasterKey: toHex(mk) };
    if (flags.atc !== undefined) {
      sk = sessionKey(mk, flags.atc, flags);
      fields.sessionKey = toHex(sk);
    }
    printFields(fields, flags.json);
  } finally {
    wipe(imk, mk, sk);
  }
}

/** `posctl crypto emv-keys`: the issuer-side key chain IMK → ICC master key → AC session key. */
export function registerEmvKeys(crypto: Command): void {
  crypto
    .command("emv-keys")
    .description(
      "derive the ICC master key from the issuer master key (EMV Book 2 A1.4) and, with --atc, the AC " +
        "session key (A1.3). Keys are odd-parity adjusted",
    )
    .requiredOption("--imk <hex>", "issuer master key for AC (IMK-AC), double-length TDES (16 bytes)")
    .requiredOption("--pan <digits>", "application PAN (5A), up to 19 digits")
    .requiredOption("--psn <nn>", "PAN sequence number (5F34), 2 digits, e.g. 00")
    .option("--atc <hex>", "application transaction counter (9F36), 2 bytes: also derive the session key")
    .option(
      "--option <a|b>",
      "ICC master key option A (rightmost 16 digits of PAN||PSN) or B (SHA-1, for PANs over 16 digits; " +
        "falls back to A for shorter ones). Default: A up to 16 digits, B above",
    )
    .option(
      "--session <method>",
      "session key method: common (EMV CSK, R = ATC||00x6), mastercard (R = ATC||0000||UN), visa (Visa secure-messaging key, MK xor ATC); default common",
    )
    .option("--un <hex>", "unpredictable number (9F37), 4 bytes: for --session mastercard")
    .option("--json", "print {iccMasterKey, sessionKey?} as JSON")
    .action(action((flags: EmvKeysFlags) => run(flags)));
}
