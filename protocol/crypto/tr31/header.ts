import { parseOptionalBlocks } from "./optional-blocks.js";
import { Tr31Error } from "./tr31-error.js";

/**
 * TR-31 / ANSI X9.143 key block header: 16 fixed ASCII characters, then the optional blocks.
 *
 *   0 version · 1–4 block length (decimal) · 5–6 key usage · 7 algorithm · 8 mode of use ·
 *   9–10 key version number · 11 exportability · 12–13 number of optional blocks · 14–15 reserved
 */
export type Tr31Version = "A" | "B" | "C" | "D";

export interface Tr31OptionalBlock {
  /** Two characters, e.g. "KS", "KC", "PB". */
  id: string;
  /** The block's data as printable ASCII (not counting its ID and length). */
  value: string;
}

export interface Tr31Header {
  version: Tr31Version;
  /** The length field: total characters of the key block. */
  blockLength: number;
  keyUsage: string;
  algorithm: string;
  modeOfUse: string;
  keyVersionNumber: string;
  exportability: string;
  optionalBlockCount: number;
  reserved: string;
  /** In order, including any PB padding block. */
  optionalBlocks: Tr31OptionalBlock[];
  /** Characters taken by the fixed header and the optional blocks. */
  headerLength: number;
}

export const TR31_FIXED_HEADER_LENGTH = 16;

const FIELD = {
  keyUsage: /^[0-9A-Z]{2}$/,
  algorithm: /^[0-9A-Z]$/,
  modeOfUse: /^[0-9A-Z]$/,
  keyVersionNumber: /^[0-9A-Za-z]{2}$/,
  exportability: /^[ENS]$/,
  reserved: /^[0-9A-Z]{2}$/,
} as const;

/** Key block text from a string or an ASCII Buffer; anything outside printable ASCII is refused. */
export function keyBlockText(block: string | Buffer): string {
  const text = typeof block === "string" ? block : block.toString("latin1");
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      throw new Tr31Error(`character 0x${c.toString(16).padStart(2, "0")} is not printable ASCII`, {
        path: "keyBlock",
        offset: i,
      });
    }
  }
  return text;
}

function field(text: string, name: keyof typeof FIELD, start: number, length: number): string {
  const value = text.slice(start, start + length);
  if (!FIELD[name].test(value)) {
    throw new Tr31Error(`invalid ${name} ${JSON.stringify(value)}`, { path: name, offset: start });
  }
  return value;
}

function decimal(text: string, path: string, start: number, length: number): number {
  const value = text.slice(start, start + length);
  if (!/^[0-9]+$/.test(value) || value.length !== length) {
    throw new Tr31Error(`${path} must be ${length} decimal digits, got ${JSON.stringify(value)}`, {
      path,
      offset: start,
    });
  }
  return Number(value);
}

/**
 * Parse the header at the start of a key block (any trailing text is ignored, and the length
 * field is not compared with the input: `unwrapTr31` does that). Versions A–D are recognised.
 */
export function parseTr31Header(block: string | Buffer): Tr31Header {
  const text = keyBlockText(block);
  if (text.length < TR31_FIXED_HEADER_LENGTH) {
    throw new Tr31Error(`key block of ${text.length} characters is shorter than the 16-character header`, {
      path: "header",
      offset: text.length,
    });
  }
  const version = text[0]!;
  if (version !== "A" && version !== "B" && version !== "C" && version !== "D") {
    throw new Tr31Error(`unknown key block version ${JSON.stringify(version)}`, {
      path: "version",
      offset: 0,
    });
  }
  const blockLength = decimal(text, "length", 1, 4);
  const keyUsage = field(text, "keyUsage", 5, 2);
  const algorithm = field(text, "algorithm", 7, 1);
  const modeOfUse = field(text, "modeOfUse", 8, 1);
  const keyVersionNumber = field(text, "keyVersionNumber", 9, 2);
  const exportability = field(text, "exportability", 11, 1);
  const optionalBlockCount = decimal(text, "optionalBlockCount", 12, 2);
  const reserved = field(text, "reserved", 14, 2);
  const { blocks, end } = parseOptionalBlocks(text, TR31_FIXED_HEADER_LENGTH, optionalBlockCount);
  return {
    version,
    blockLength,
    keyUsage,
    algorithm,
    modeOfUse,
    keyVersionNumber,
    exportability,
    optionalBlockCount,
    reserved,
    optionalBlocks: blocks,
    headerLength: end,
  };
}
