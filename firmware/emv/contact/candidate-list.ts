import { decodeTlv, findAllTags, flattenTlv, type TlvNode } from "../../../protocol/tlv/index.js";
import type { ApduChannel } from "../shared/apdu-channel.js";
import { Sw } from "../shared/apdu-channel.js";
import type { AidConfig, TerminalConfig } from "../shared/terminal-config.js";
import { PSE_NAME, readRecordCommand, selectCommand } from "./apdu-commands.js";
import { exchange } from "./card-io.js";
import { parseFci } from "./fci.js";
import { KernelTerminated } from "./kernel-error.js";

/** An application both the card and the terminal support (Book 1 §12.3). */
export interface Candidate {
  /** ADF name (4F from the PSE, or 84 from the SELECT answer). */
  dfName: Buffer;
  /** Application label 50 (an). */
  label?: string;
  /** Application preferred name 9F12, shown when the issuer code table 9F11 is supported. */
  preferredName?: string;
  issuerCodeTableIndex?: number;
  /** Priority 1 (highest)..15 from 87 b4–b1; undefined when the card gives none (or 0). */
  priority?: number;
  /** 87 b8: the cardholder must confirm this application. */
  confirmationRequired: boolean;
  /** The terminal's AID record that matched. */
  aidConfig: AidConfig;
}

export type CandidateSource = "pse" | "aid-list";

const MAX_DDF_DEPTH = 3;

/** Terminal AID record matching an ADF name exactly, or as a prefix when partial selection is allowed. */
export function matchTerminalAid(config: TerminalConfig, adf: Buffer): AidConfig | undefined {
  const exact = config.aids.find((a) => a.aid.equals(adf));
  if (exact) return exact;
  return config.aids.find(
    (a) => a.partialSelection && adf.length > a.aid.length && adf.subarray(0, a.aid.length).equals(a.aid),
  );
}

function candidateFrom(data: ReadonlyMap<string, Buffer>, dfName: Buffer, aidConfig: AidConfig): Candidate {
  const p = data.get("87");
  const priority = p && p.length === 1 ? p[0]! & 0x0f : 0;
  const label = data.get("50");
  const preferred = data.get("9F12");
  const codeTable = data.get("9F11");
  return {
    dfName: Buffer.from(dfName),
    ...(label && label.length > 0 ? { label: label.toString("latin1") } : {}),
    ...(preferred && preferred.length > 0 ? { preferredName: preferred.toString("latin1") } : {}),
    ...(codeTable && codeTable.length === 1 ? { issuerCodeTableIndex: codeTable[0]! } : {}),
    ...(priority === 0 ? {} : { priority }),
    confirmationRequired: p !== undefined && p.length === 1 && (p[0]! & 0x80) !== 0,
    aidConfig,
  };
}

/** Priority order: 1 first … 15, entries without a priority last; ties keep discovery order. */
export function sortCandidates(candidates: readonly Candidate[]): Candidate[] {
  return candidates
    .map((c, index) => ({ c, index }))
    .sort((a, b) => (a.c.priority ?? 16) - (b.c.priority ?? 16) || a.index - b.index)
    .map(({ c }) => c);
}

/** PSE method (Book 1 §12.3.2); undefined means "use the list of AIDs instead". */
async function fromPse(
  channel: ApduChannel,
  config: TerminalConfig,
  dfName: Buffer,
  depth: number,
  signal: AbortSignal | undefined,
): Promise<Candidate[] | undefined> {
  const selected = await exchange(channel, selectCommand(dfName), "SELECT PSE", signal);
  if (selected.sw === Sw.functionNotSupported && depth === 0) {
    throw new KernelTerminated(
      "card-blocked",
      "SELECT PSE answered 6A81 (card blocked or SELECT not supported)",
    );
  }
  if (selected.sw !== Sw.ok) return undefined;
  const fci = parseFci(selected.data);
  const sfiValue = fci?.data.get("88");
  if (!fci || !sfiValue || sfiValue.length !== 1 || sfiValue[0]! < 1 || sfiValue[0]! > 10) return undefined;
  const sfi = sfiValue[0]!;
  const found: Candidate[] = [];
  for (let record = 1; record <= 255; record++) {
    const answer = await exchange(channel, readRecordCommand(sfi, record), "READ RECORD (PSE)", signal);
    if (answer.sw === Sw.recordNotFound) break;
    if (answer.sw !== Sw.ok) return undefined;
    let entries: TlvNode[];
    try {
      const nodes = decodeTlv(answer.data, { skipPadding: true });
      if (nodes.length !== 1 || nodes[0]!.tag !== "70" || !nodes[0]!.children) return undefined;
      entries = findAllTags(nodes[0]!.children, "61");
    } catch {
      return undefined;
    }
    for (const entry of entries) {
      let data: Map<string, Buffer>;
      try {
        data = flattenTlv(entry.children ?? [], { duplicates: "error" });
      } catch {
        return undefined;
      }
      const adf = data.get("4F");
      const ddf = data.get("9D");
      if (adf) {
        const aid = matchTerminalAid(config, adf);
        if (aid) found.push(candidateFrom(data, adf, aid));
      } else if (ddf && depth < MAX_DDF_DEPTH) {
        const nested = await fromPse(channel, config, ddf, depth + 1, signal);
        if (nested) found.push(...nested);
      }
    }
  }
  return found;
}

/** List of AIDs method with partial matching and "next occurrence" (Book 1 §12.3.3). */
async function fromAidList(
  channel: ApduChannel,
  config: TerminalConfig,
  signal: AbortSignal | undefined,
): Promise<Candidate[]> {
  const found: Candidate[] = [];
  for (const aid of config.aids) {
    let next = false;
    for (let occurrence = 0; occurrence < 64; occurrence++) {
      const answer = await exchange(channel, selectCommand(aid.aid, next), "SELECT AID", signal);
      if (answer.sw === Sw.functionNotSupported) {
        throw new KernelTerminated(
          "card-blocked",
          "SELECT answered 6A81 (card blocked or SELECT not supported)",
        );
      }
      if (answer.sw !== Sw.ok && answer.sw !== Sw.selectedFileInvalidated) break;
      const fci = parseFci(answer.data);
      if (!fci) break;
      const blocked = answer.sw === Sw.selectedFileInvalidated;
      if (fci.dfName.equals(aid.aid)) {
        if (!blocked) found.push(candidateFrom(fci.data, fci.dfName, aid));
        break;
      }
      const partial =
        fci.dfName.length > aid.aid.length && fci.dfName.subarray(0, aid.aid.length).equals(aid.aid);
      if (!partial || !aid.partialSelection) break;
      if (!blocked) found.push(candidateFrom(fci.data, fci.dfName, aid));
      next = true;
    }
  }
  return found;
}

/**
 * Builds the candidate list: PSE first, the list of AIDs when there is no usable PSE or it lists no
 * supported application. Sorted by priority.
 */
export async function buildCandidateList(
  channel: ApduChannel,
  config: TerminalConfig,
  signal?: AbortSignal,
): Promise<{ candidates: Candidate[]; source: CandidateSource }> {
  const pse = await fromPse(channel, config, PSE_NAME, 0, signal);
  if (pse && pse.length > 0) return { candidates: sortCandidates(pse), source: "pse" };
  return { candidates: sortCandidates(await fromAidList(channel, config, signal)), source: "aid-list" };
}
