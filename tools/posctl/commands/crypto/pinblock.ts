import type { Command } from "commander";
import {
  decipherPinBlockIso4,
  decodePinBlock,
  decryptPinBlock,
  encipherPinBlockIso4,
  encodePinBlock,
  encryptPinBlock,
  type PinBlockSpec,
} from "../../../../protocol/crypto/pinblock/index.js";
import { toHex } from "../../../../protocol/hex.js";
import { action, UsageError } from "../../cli-error.js";
import { hexFlag, integerFlag, rejectFlag, requireFlag } from "../../options.js";
import { printLine, wipe } from "./output.js";

/**
 * `posctl crypto pinblock` (build) and `posctl crypto pinblock decode`. The PIN goes into a Buffer at
 * once and is wiped with the key and every block once printed.
 */

type Format = 0 | 1 | 2 | 3 | 4;

interface PinBlockFlags {
  format?: string;
  pin?: string;
  pan?: string;
  key?: string;
}

interface DecodeFlags {
  format?: string;
  block?: string;
  pan?: string;
  key?: string;
  pin?: string;
}

const FORMAT_HELP = "ISO 9564-1 format 0, 1, 2, 3 (8-byte blocks, DES/TDES) or 4 (16-byte block, AES)";
const PAN_HELP = "card number (digits); required for formats 0, 3 and 4, ignored by 1 and 2";

function parseFormat(text: string | undefined): Format {
  return integerFlag(requireFlag(text, "--format"), "--format", { min: 0, max: 4 }) as Format;
}

function specOf(format: 0 | 1 | 2 | 3, pan: string | undefined): PinBlockSpec {
  if (format === 0 || format === 3) return { format, pan: requireFlag(pan, "--pan") };
  return { format };
}

/** Format 4 only exists enciphered: its PAN field is mixed in between the two AES steps. */
function format4Key(key: string | undefined): Buffer {
  if (key === undefined)
    throw new UsageError("--format 4 needs --key (an AES key): ISO format 4 has no clear form");
  return hexFlag(key, "--key");
}

function build(flags: PinBlockFlags): void {
  const format = parseFormat(flags.format);
  const pin = Buffer.from(requireFlag(flags.pin, "--pin"), "utf8");
  let key: Buffer | undefined;
  let block: Buffer | undefined;
  try {
    if (format === 4) {
      key = format4Key(flags.key);
      block = encipherPinBlockIso4(key, pin, requireFlag(flags.pan, "--pan"));
    } else {
      const spec = specOf(format, flags.pan);
      key = flags.key === undefined ? undefined : hexFlag(flags.key, "--key");
      block = key ? encryptPinBlock(key, pin, spec) : encodePinBlock(pin, spec);
    }
    printLine(toHex(block));
  } finally {
    wipe(pin, key, block);
  }
}

function decode(flags: DecodeFlags): void {
  rejectFlag(flags.pin, "--pin", "does not apply to decode");
  const format = parseFormat(flags.format);
  let key: Buffer | undefined;
  let block: Buffer | undefined;
  let pin: Buffer | undefined;
  try {
    block = hexFlag(requireFlag(flags.block, "--block"), "--block", [format === 4 ? 16 : 8]);
    if (format === 4) {
      key = format4Key(flags.key);
      pin = decipherPinBlockIso4(key, block, requireFlag(flags.pan, "--pan"));
    } else {
      const spec = specOf(format, flags.pan);
      key = flags.key === undefined ? undefined : hexFlag(flags.key, "--key");
      pin = key ? decryptPinBlock(key, block, spec) : decodePinBlock(block, spec);
    }
    // Written as bytes, never a JS string; wiped once the stream is done with it.
    const line = Buffer.concat([pin, Buffer.from("\n")]);
    process.stdout.write(line, () => line.fill(0));
  } finally {
    wipe(key, block, pin);
  }
}

export function registerPinBlock(crypto: Command): void {
  const pinblock = crypto
    .command("pinblock")
    .description(
      "build an ISO 9564-1 PIN block: clear, or enciphered with --key (formats 0-3: TDES-ECB; format 4: AES). " +
        "Formats 1, 3 and 4 take random fill from crypto.randomBytes, so their output differs on every run",
    )
    .option("--format <n>", `${FORMAT_HELP} (required)`)
    .option("--pin <digits>", "the PIN, 4 to 12 digits (required)")
    .option("--pan <digits>", PAN_HELP)
    .option(
      "--key <hex>",
      "PIN key: DES/TDES 8, 16 or 24 bytes for formats 0-3, AES 16, 24 or 32 bytes for format 4",
    )
    .action(action((flags: PinBlockFlags) => build(flags)));

  // Unless every parent enables positional options, commander hands flags that `pinblock` also defines
  // (--format, --pan, --key) to `pinblock`, even after `decode`; so decode declares them for its help
  // and reads them merged with its parent's, checking presence itself.
  pinblock
    .command("decode")
    .description(
      "recover the PIN from a PIN block (clear, or enciphered under --key) and check its structure",
    )
    .option("--format <n>", `${FORMAT_HELP} (required)`)
    .option("--block <hex>", "the PIN block: 8 bytes (formats 0-3) or 16 bytes (format 4) (required)")
    .option("--pan <digits>", PAN_HELP)
    .option("--key <hex>", "PIN key the block is enciphered under; required for format 4 (AES)")
    .action(
      action((_flags: DecodeFlags, command: Command) => decode(command.optsWithGlobals<DecodeFlags>())),
    );
}
