import type { Command } from "commander";
import { deriveAesInitialKey } from "../../../../protocol/crypto/dukpt/aes-initial-key.js";
import {
  AES_DUKPT_KEY_TYPES,
  type AesDukptKeyType,
  type AesDukptKeyUsage,
  aesDerivationKeyType,
} from "../../../../protocol/crypto/dukpt/aes-key-type.js";
import { deriveAesTransactionKey } from "../../../../protocol/crypto/dukpt/aes-transaction-key.js";
import { deriveAesWorkingKey } from "../../../../protocol/crypto/dukpt/aes-working-key.js";
import { deriveTdesIpek } from "../../../../protocol/crypto/dukpt/tdes-ipek.js";
import { deriveTdesTransactionKey } from "../../../../protocol/crypto/dukpt/tdes-transaction-key.js";
import {
  deriveTdesWorkingKey,
  type TdesDukptKeyUsage,
} from "../../../../protocol/crypto/dukpt/tdes-working-keys.js";
import { toHex } from "../../../../protocol/hex.js";
import { action, UsageError } from "../../cli-error.js";
import { choiceFlag, hexFlag, rejectFlag } from "../../options.js";
import { printFields, wipe } from "./output.js";

interface DukptFlags {
  bdk: string;
  ksn: string;
  workingKey?: string;
  json?: boolean;
}

const TDES_WORKING_KEYS: [string, TdesDukptKeyUsage][] = [
  ["pinKey", "pin"],
  ["macRequestKey", "mac-request"],
  ["macResponseKey", "mac-response"],
  ["dataRequestKey", "data-request"],
  ["dataResponseKey", "data-response"],
];

const AES_WORKING_KEYS: [string, AesDukptKeyUsage][] = [
  ["pinKey", "pin-encryption"],
  ["macGenerationKey", "mac-generation"],
  ["macVerificationKey", "mac-verification"],
  ["dataEncryptionKey", "data-encryption"],
  ["dataDecryptionKey", "data-decryption"],
];

const AES_WORKING_KEY_TYPES = Object.keys(AES_DUKPT_KEY_TYPES) as AesDukptKeyType[];

/** Derives, renders and wipes each key in turn, so at most one working key is in memory at a time. */
function render(fields: Record<string, string>, name: string, key: Buffer): void {
  try {
    fields[name] = toHex(key);
  } finally {
    key.fill(0);
  }
}

/** ANSI X9.24-1:2009 (10-byte KSN): IPEK, transaction key, and the variant working keys. */
function tdes(bdk: Buffer, ksn: Buffer, flags: DukptFlags): Record<string, string> {
  rejectFlag(flags.workingKey, "--working-key", "applies only to AES DUKPT (12-byte --ksn)");
  const ipek = deriveTdesIpek(bdk, ksn);
  let transactionKey: Buffer | undefined;
  try {
    transactionKey = deriveTdesTransactionKey(ipek, ksn);
    const fields: Record<string, string> = { initialKey: toHex(ipek), transactionKey: toHex(transactionKey) };
    for (const [name, usage] of TDES_WORKING_KEYS)
      render(fields, name, deriveTdesWorkingKey(transactionKey, usage));
    return fields;
  } finally {
    wipe(ipek, transactionKey);
  }
}

/** ANSI X9.24-3:2017 (12-byte KSN): initial key, transaction key, and the derived working keys. */
function aes(bdk: Buffer, ksn: Buffer, flags: DukptFlags): Record<string, string> {
  const bdkType = aesDerivationKeyType(bdk, "--bdk");
  const type =
    flags.workingKey === undefined
      ? bdkType
      : choiceFlag(flags.workingKey, "--working-key", AES_WORKING_KEY_TYPES);
  if (AES_DUKPT_KEY_TYPES[type].rank > AES_DUKPT_KEY_TYPES[bdkType].rank) {
    throw new UsageError(`--working-key ${type} is stronger than the ${bdkType} BDK (X9.24-3 forbids it)`);
  }
  const initialKey = deriveAesInitialKey(bdk, ksn);
  let transactionKey: Buffer | undefined;
  try {
    transactionKey = deriveAesTransactionKey(initialKey, ksn);
    const fields: Record<string, string> = {
      initialKey: toHex(initialKey),
      transactionKey: toHex(transactionKey),
    };
    for (const [name, usage] of AES_WORKING_KEYS) {
      render(fields, name, deriveAesWorkingKey(transactionKey, ksn, usage, type));
    }
    return fields;
  } finally {
    wipe(initialKey, transactionKey);
  }
}

/** `posctl crypto dukpt`: the host-side DUKPT keys for one KSN, to check a terminal's PIN block or MAC. */
export function registerDukpt(crypto: Command): void {
  crypto
    .command("dukpt")
    .description(
      "derive the DUKPT keys for one KSN from the BDK, as the host does. A 10-byte KSN selects TDES DUKPT " +
        "(X9.24-1:2009): initialKey (IPEK), transactionKey, pinKey, macRequestKey, macResponseKey, " +
        "dataRequestKey, dataResponseKey (data keys after the one-way step). A 12-byte KSN selects AES " +
        "DUKPT (X9.24-3:2017): initialKey, transactionKey, pinKey, macGenerationKey, macVerificationKey, " +
        "dataEncryptionKey, dataDecryptionKey",
    )
    .requiredOption("--bdk <hex>", "base derivation key: TDES 16 bytes, or AES 16, 24 or 32 bytes")
    .requiredOption("--ksn <hex>", "key serial number: 10 bytes (TDES DUKPT) or 12 bytes (AES DUKPT)")
    .option(
      "--working-key <type>",
      `AES DUKPT only: working key type, ${AES_WORKING_KEY_TYPES.join(", ")}; default the BDK's own type, ` +
        "never stronger than it",
    )
    .option("--json", "print the keys as one JSON object")
    .action(
      action((flags: DukptFlags) => {
        const ksn = hexFlag(flags.ksn, "--ksn", [10, 12]);
        const bdk = hexFlag(flags.bdk, "--bdk");
        try {
          printFields(ksn.length === 10 ? tdes(bdk, ksn, flags) : aes(bdk, ksn, flags), flags.json);
        } finally {
          wipe(bdk);
        }
      }),
    );
}
