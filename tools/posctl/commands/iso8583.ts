import type { Command } from "commander";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { describe } from "../../../protocol/iso8583/cup/describe.js";
import { type CupFrame, packFrame, unpackFrame } from "../../../protocol/iso8583/cup/frame.js";
import {
  headerFromDigits,
  headerToDigits,
  processingRequirementName,
} from "../../../protocol/iso8583/cup/header.js";
import { parsedView } from "../../../protocol/iso8583/cup/parsed.js";
import { cupSpec } from "../../../protocol/iso8583/cup/spec.js";
import { tpduFromHex, tpduToHex } from "../../../protocol/iso8583/cup/tpdu.js";
import { pack, unpack } from "../../../protocol/iso8583/message.js";
import type { Iso8583Message } from "../../../protocol/iso8583/spec.js";
import { action, parseJsonArgument, UsageError } from "../cli-error.js";

interface DecodeOptions {
  frame?: boolean;
  describe?: boolean;
  raw?: boolean;
  reveal?: boolean;
}

/** The posctl JSON: fields keyed by decimal strings, ascending (integer keys serialise in order). */
function messageJson(message: Iso8583Message): Record<string, unknown> {
  const view = parsedView(message);
  return {
    mti: message.mti,
    fields: message.fields,
    ...(Object.keys(view.parsed).length > 0 ? { parsed: view.parsed } : {}),
    ...(Object.keys(view.parseErrors).length > 0 ? { parseErrors: view.parseErrors } : {}),
  };
}

function decode(hex: string, options: DecodeOptions): void {
  const bytes = fromHex(hex, "hex");
  const frame: CupFrame | undefined = options.frame ? unpackFrame(bytes) : undefined;
  const message = frame ? frame.message : unpack(cupSpec, bytes);
  if (options.describe) {
    const lines: string[] = [];
    if (frame) {
      const h = frame.header;
      const requirement = processingRequirementName(h.processingRequirement) ?? "unassigned";
      lines.push(`length ${bytes.length - 2}`);
      lines.push(
        `TPDU ${tpduToHex(frame.tpdu)} (destination ${frame.tpdu.destination}, source ${frame.tpdu.source})`,
      );
      lines.push(
        `header ${headerToDigits(h)} (processing requirement ${h.processingRequirement} ${requirement})`,
      );
    }
    lines.push(describe(message, { raw: options.raw === true, reveal: options.reveal === true }));
    process.stdout.write(`${lines.join("\n")}\n`);
    return;
  }
  const json = frame
    ? { tpdu: tpduToHex(frame.tpdu), header: headerToDigits(frame.header), ...messageJson(message) }
    : messageJson(message);
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

function messageFromJson(input: unknown): Iso8583Message {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new UsageError("message JSON must be an object with mti and fields");
  }
  const { mti, fields } = input as { mti?: unknown; fields?: unknown };
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
    throw new UsageError('message JSON needs "fields": an object of field number → string');
  }
  // pack() checks the MTI, every key and every value strictly.
  return { mti: mti as string, fields: fields as Record<number, string> };
}

function encode(text: string, options: { frame?: boolean }): void {
  const input = parseJsonArgument(text, "message JSON");
  const message = messageFromJson(input);
  if (!options.frame) {
    process.stdout.write(`${toHex(pack(cupSpec, message))}\n`);
    return;
  }
  const { tpdu, header } = input as { tpdu?: unknown; header?: unknown };
  if (typeof tpdu !== "string" || typeof header !== "string") {
    throw new UsageError('--frame needs "tpdu" (10 hex digits) and "header" (12 digits) in the JSON');
  }
  const frame: CupFrame = { tpdu: tpduFromHex(tpdu), header: headerFromDigits(header), message };
  process.stdout.write(`${toHex(packFrame(frame))}\n`);
}

/** `posctl iso8583 decode|encode`: the CUP POS dialect from the command line. */
export function registerIso8583(program: Command): void {
  const iso = program.command("iso8583").description("UnionPay POS ISO 8583 messages (CUP dialect)");
  iso
    .command("decode")
    .description("decode a packed message (MTI onwards, or a whole frame with --frame) to JSON")
    .argument("<hex>", "packed bytes as hex")
    .option("--frame", "input starts at the 2-byte length, then TPDU and header")
    .option("--describe", "print a masked human dump instead of JSON")
    .option("--raw", "with --describe: add each field's packed bytes and offset")
    .option("--reveal", "with --describe: show PAN, tracks, PIN block, keys and MAC in clear")
    .action(action((hex: string, options: DecodeOptions) => decode(hex, options)));
  iso
    .command("encode")
    .description("encode message JSON to hex (with --frame the JSON carries tpdu and header)")
    .argument("<json>", '{"mti":"0800","fields":{"11":"000001",...}}')
    .option("--frame", "emit length + TPDU + header + message")
    .action(action((json: string, options: { frame?: boolean }) => encode(json, options)));
}
