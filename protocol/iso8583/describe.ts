import iconv from "iconv-lite";
import { readHex } from "./encoding/binary.js";
import { hidden, maskPan, maskTrack } from "./mask.js";
import { type CompiledSpec, compileSpec, pack, unpackWithLayout } from "./message.js";
import type { FieldSpec, Iso8583Message, MessageSpec } from "./spec.js";

export interface DescribeOptions {
  /** Add each element's packed bytes with their offsets (certification work). */
  raw?: boolean;
  /** Show sensitive values in clear. Default false: PAN 6+4, tracks, PIN, keys, MAC hidden. */
  reveal?: boolean;
}

/**
 * Dialect hook: renders a field's value itself (e.g. field 55 as TLV, field 39 with its meaning),
 * or returns undefined for the default rendering. `masked` tells it whether to hide secrets.
 */
export type FieldRenderer = (
  field: number,
  value: string,
  message: Iso8583Message,
  masked: boolean,
) => string | undefined;

/** An ans value holding GBK/GB18030 bytes (kept as latin1 characters) as readable text. */
function textOf(value: string): string {
  return /[\u0080-\u00ff]/.test(value) ? iconv.decode(Buffer.from(value, "latin1"), "gb18030") : value;
}

/** The masked display text of one value by its spec's sensitivity. */
export function displayValue(
  spec: FieldSpec,
  value: string,
  message: Iso8583Message,
  reveal: boolean,
): string {
  const shown = spec.format === "b" ? value : JSON.stringify(spec.format === "ans" ? textOf(value) : value);
  if (reveal) return shown;
  switch (spec.sensitive) {
    case "pan":
      return maskPan(value);
    case "track":
      return maskTrack(value);
    case "pin":
      return hidden("PIN block", value.length >> 1);
    case "mac":
      return hidden("MAC", value.length >> 1);
    case "key":
      // Key material travels in sign-in responses; the request's 62 is terminal information.
      return message.mti.endsWith("10") ? hidden("key material", value.length >> 1) : shown;
    default:
      return shown;
  }
}

/**
 * Human dump: one line per field, "  35 Track 2 data (z..37): 622609******8388D[…]". With `raw`,
 * each line also shows the packed bytes and their offset (still masked unless `reveal`).
 */
export function describeMessage(
  spec: MessageSpec | CompiledSpec,
  message: Iso8583Message,
  options: DescribeOptions = {},
  render?: FieldRenderer,
): string {
  const c = compileSpec(spec);
  const reveal = options.reveal === true;
  const lines: string[] = [];
  let rawBytes: Buffer | undefined;
  const rawAt = new Map<number, { offset: number; length: number; prefixLength: number }>();
  if (options.raw) {
    rawBytes = pack(c, message);
    for (const l of unpackWithLayout(c, rawBytes).layout) rawAt.set(l.field, l);
  }
  const rawText = (field: number, sensitive: boolean): string => {
    const l = rawAt.get(field);
    if (!rawBytes || !l) return "";
    const prefix = readHex(rawBytes, l.offset, l.prefixLength);
    const body = sensitive
      ? hidden("bytes", l.length - l.prefixLength)
      : readHex(rawBytes, l.offset + l.prefixLength, l.length - l.prefixLength);
    return `\n      @${l.offset} (${l.length} bytes): ${prefix ? `${prefix} | ` : ""}${body}`;
  };
  lines.push(`MTI ${message.mti}${rawText(0, false)}`);
  if (rawBytes) lines.push(`bitmap${rawText(1, false)}`);
  for (const key of Object.keys(message.fields)) {
    const n = Number(key);
    const value = message.fields[n];
    const fieldSpec = c.codecs[n]?.spec;
    if (value === undefined || fieldSpec === undefined) continue;
    const size = fieldSpec.kind === "fixed" ? `${fieldSpec.length}` : `..${fieldSpec.length}`;
    const name = `${fieldSpec.name}${fieldSpec.zh ? ` ${fieldSpec.zh}` : ""} (${fieldSpec.format}${size})`;
    const text = render?.(n, value, message, !reveal) ?? displayValue(fieldSpec, value, message, reveal);
    const secret =
      !reveal &&
      fieldSpec.sensitive !== undefined &&
      fieldSpec.sensitive !== "none" &&
      !(fieldSpec.sensitive === "key" && !message.mti.endsWith("10"));
    lines.push(`${String(n).padStart(4)} ${name}: ${text}${rawText(n, secret)}`);
  }
  return lines.join("\n");
}
