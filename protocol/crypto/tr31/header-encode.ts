import type { Tr31OptionalBlock, Tr31Version } from "./header.js";
import { TR31_FIXED_HEADER_LENGTH } from "./header.js";
import { encodeOptionalBlock } from "./optional-blocks.js";
import { Tr31Error } from "./tr31-error.js";

/** The header fields a caller chooses; length, block count and the PB pad block are computed. */
export interface Tr31HeaderFields {
  version: Tr31Version;
  keyUsage: string;
  algorithm: string;
  modeOfUse: string;
  /** Defaults to "00" (no key version). */
  keyVersionNumber?: string;
  /** Defaults to "N" (not exportable). */
  exportability?: string;
  /** Any PB block given here is dropped and recomputed. */
  optionalBlocks?: readonly Tr31OptionalBlock[];
}

const CHECKS: [keyof Tr31HeaderFields, RegExp][] = [
  ["keyUsage", /^[0-9A-Z]{2}$/],
  ["algorithm", /^[0-9A-Z]$/],
  ["modeOfUse", /^[0-9A-Z]$/],
  ["keyVersionNumber", /^[0-9A-Za-z]{2}$/],
  ["exportability", /^[ENS]$/],
];

/** Cipher block size a version's header and payload are aligned to. */
export function tr31BlockSize(version: Tr31Version): number {
  return version === "D" ? 16 : 8;
}

/**
 * Render a header whose length field counts `bodyLength` more characters (the hex payload and
 * MAC). A PB block of "0" characters pads the header to the version's cipher block size, as
 * X9.143 requires, so that the MAC'd header + payload stay block-aligned.
 */
export function encodeTr31Header(fields: Tr31HeaderFields, bodyLength = 0): string {
  const full = { keyVersionNumber: "00", exportability: "N", ...fields };
  if (!["A", "B", "C", "D"].includes(full.version)) {
    throw new Tr31Error(`unknown key block version ${JSON.stringify(full.version)}`, { path: "version" });
  }
  for (const [name, pattern] of CHECKS) {
    const value = full[name];
    if (typeof value !== "string" || !pattern.test(value)) {
      throw new Tr31Error(`invalid ${name} ${JSON.stringify(value)}`, { path: name });
    }
  }
  const blocks = (full.optionalBlocks ?? []).filter((b) => b.id !== "PB");
  let optional = blocks.map((b, i) => encodeOptionalBlock(b, i)).join("");
  let count = blocks.length;
  const blockSize = tr31BlockSize(full.version);
  const misalignment = (TR31_FIXED_HEADER_LENGTH + optional.length) % blockSize;
  if (misalignment !== 0) {
    let pad = blockSize - misalignment;
    if (pad < 4) pad += blockSize; // a PB block needs at least its ID and length
    optional += encodeOptionalBlock({ id: "PB", value: "0".repeat(pad - 4) }, count);
    count++;
  }
  if (count > 99)
    throw new Tr31Error(`${count} optional blocks do not fit the 2-digit count`, { path: "optionalBlocks" });
  const total = TR31_FIXED_HEADER_LENGTH + optional.length + bodyLength;
  if (total > 9999) throw new Tr31Error(`key block of ${total} characters exceeds 9999`, { path: "length" });
  return (
    full.version +
    String(total).padStart(4, "0") +
    full.keyUsage +
    full.algorithm +
    full.modeOfUse +
    full.keyVersionNumber +
    full.exportability +
    String(count).padStart(2, "0") +
    "00" +
    optional
  );
}
