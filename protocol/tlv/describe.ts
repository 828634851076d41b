import { toHex } from "../hex.js";
import { isMaskablePan, maskPan } from "../pan-mask.js";
import type { TlvNode } from "./ber.js";
import { emvTag } from "./emv-tags.js";

export interface DescribeTlvOptions {
  /** Show sensitive values (PAN, tracks, cardholder name, PIN data) in clear. Default false. */
  reveal?: boolean;
}

/** Tags whose value is a PAN in cn format, or track 2 layout (PAN, separator D, the rest). */
const PAN_TAGS = new Set(["5A"]);
const TRACK2_TAGS = new Set(["57", "9F6B"]);
const INDENT = "  ";

/**
 * Human dump, one object per line, children indented under their template:
 * `9F26 Application Cryptogram (8): 4F6B8D40197BE753`. Sensitive values are masked unless `reveal`:
 * a PAN keeps its first 6 and last 4 digits (the receipt rule), everything else becomes "[hidden N bytes]".
 */
export function describeTlv(nodes: readonly TlvNode[], options: DescribeTlvOptions = {}): string {
  const lines: string[] = [];
  const walk = (list: readonly TlvNode[], depth: number): void => {
    for (const node of list) {
      const info = emvTag(node.tag);
      const head = `${INDENT.repeat(depth)}${node.tag} ${info?.name ?? "Unknown tag"} (${node.value.length})`;
      if (node.children) {
        lines.push(head);
        walk(node.children, depth + 1);
        continue;
      }
      const masked = info?.sensitive && !options.reveal;
      const text = masked ? maskedValue(node) : clearValue(node.value, info?.format);
      lines.push(`${head}: ${text}`);
    }
  };
  walk(nodes, 0);
  return lines.join("\n");
}

function clearValue(value: Buffer, format: string | undefined): string {
  const hex = toHex(value);
  if ((format === "an" || format === "ans") && value.length > 0 && isPrintable(value)) {
    return `${hex} "${value.toString("latin1")}"`;
  }
  return hex;
}

function isPrintable(value: Buffer): boolean {
  return value.every((byte) => byte >= 0x20 && byte < 0x7f);
}

function maskedValue(node: TlvNode): string {
  const hidden = `[hidden ${node.value.length} bytes]`;
  const hex = toHex(node.value);
  if (PAN_TAGS.has(node.tag)) return maskPanDigits(hex.replace(/F+$/, "")) ?? hidden;
  if (TRACK2_TAGS.has(node.tag)) {
    const separator = hex.indexOf("D");
    const pan = separator > 0 ? maskPanDigits(hex.slice(0, separator)) : undefined;
    return pan === undefined ? hidden : `${pan} (track 2, rest hidden)`;
  }
  return hidden;
}

/** First 6 + last 4 digits; undefined when the value is not digits or too short to mask safely. */
function maskPanDigits(digits: string): string | undefined {
  return isMaskablePan(digits) ? maskPan(digits) : undefined;
}
