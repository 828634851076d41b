import { toHex } from "../../../../protocol/hex.js";
import { decodeTlv, findAllTags, findTag, type TlvNode } from "../../../../protocol/tlv/index.js";
import { type Combination, defaultKernelId } from "./combination.js";

/** `00 A4 04 00 0E "2PAY.SYS.DDF01" 00`: SELECT the Proximity Payment System Environment. */
export const SELECT_PPSE = Buffer.from("00A404000E325041592E5359532E444446303100", "hex");

/** One `61` directory entry of the PPSE FCI (`BF0C`). */
export interface DirectoryEntry {
  /** 4F ADF name. */
  adfName: Buffer;
  label?: string;
  /** 87 low nibble; undefined when absent (sorted after those with a priority). */
  priority?: number;
  /** 9F2A kernel identifier first byte, when present. */
  kernelId?: number;
  /** 9F29 extended selection. */
  extendedSelection?: Buffer;
  /** Position in the directory (ties keep this order). */
  order: number;
}

/** A directory entry matched to a reader combination: what the final SELECT will choose from. */
export interface Candidate {
  entry: DirectoryEntry;
  combination: Combination;
}

/** The directory entries of a PPSE answer; malformed entries (no 4F) are skipped as Book B says. */
export function parsePpse(fci: Buffer): DirectoryEntry[] {
  let nodes: TlvNode[];
  try {
    nodes = decodeTlv(fci);
  } catch {
    return [];
  }
  const directory = findTag(nodes, "BF0C");
  if (!directory?.children) return [];
  const entries: DirectoryEntry[] = [];
  for (const [order, entry] of findAllTags(directory.children, "61").entries()) {
    const children = entry.children ?? [];
    const get = (tag: string) => children.find((n) => n.tag === tag)?.value;
    const adfName = get("4F");
    if (!adfName || adfName.length < 5 || adfName.length > 16) continue;
    const label = get("50");
    const priority = get("87");
    const kernel = get("9F2A");
    const extended = get("9F29");
    entries.push({
      adfName,
      order,
      ...(label ? { label: label.toString("latin1") } : {}),
      ...(priority && priority.length === 1 && (priority[0]! & 0x0f) !== 0
        ? { priority: priority[0]! & 0x0f }
        : {}),
      ...(kernel && kernel.length >= 1 && kernel[0] !== 0 ? { kernelId: kernel[0]! & 0x3f } : {}),
      ...(extended ? { extendedSelection: extended } : {}),
    });
  }
  return entries;
}

/**
 * Book B §3.3.2: keep entries whose ADF name begins with a reader AID and whose kernel (9F2A, else the
 * RID default) the combination runs and pre-processing allowed; sort by priority (1 highest, absent
 * last), ties in directory order.
 */
export function buildCandidates(
  entries: readonly DirectoryEntry[],
  combinations: readonly Combination[],
  allowed: (c: Combination) => boolean,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const entry of entries) {
    const kernelId = entry.kernelId ?? defaultKernelId(entry.adfName);
    const combination = combinations.find(
      (c) =>
        c.kernelId === kernelId &&
        entry.adfName.length >= c.aid.length &&
        entry.adfName.subarray(0, c.aid.length).equals(c.aid) &&
        allowed(c),
    );
    if (combination) candidates.push({ entry, combination });
  }
  return candidates.sort((a, b) => {
    const pa = a.entry.priority ?? 16;
    const pb = b.entry.priority ?? 16;
    return pa - pb || a.entry.order - b.entry.order;
  });
}

/** SELECT by ADF name (with the extended selection appended when the combination supports it). */
export function selectAidCommand(candidate: Candidate): Buffer {
  const name =
    candidate.combination.extendedSelection && candidate.entry.extendedSelection
      ? Buffer.concat([candidate.entry.adfName, candidate.entry.extendedSelection])
      : candidate.entry.adfName;
  return Buffer.concat([Buffer.from([0x00, 0xa4, 0x04, 0x00, name.length]), name, Buffer.from([0x00])]);
}

export function describeCandidate(c: Candidate): string {
  return `${toHex(c.entry.adfName)} kernel ${c.combination.kernelId}`;
}
