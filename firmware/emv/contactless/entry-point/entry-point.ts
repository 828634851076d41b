import { decodeTlv, findTag, type TlvNode } from "../../../../protocol/tlv/index.js";
import type { ApduChannel } from "../../shared/apdu-channel.js";
import { CardGoneError, CardSession } from "../kernels/card-session.js";
import type { ContactlessTransaction, Kernel, KernelOutcome } from "../kernels/kernel.js";
import { tryAgain, tryAnotherInterface } from "../outcome.js";
import { type Combination, combinationKey } from "./combination.js";
import { buildCandidates, type Candidate, parsePpse, SELECT_PPSE, selectAidCommand } from "./ppse.js";
import { type PreProcessingResult, preProcess } from "./pre-processing.js";

/**
 * EMV Book A/B entry point for one tap: (pre-processing, done once per transaction) → SELECT PPSE →
 * combination selection → final SELECT → kernel activation → the kernel's outcome. "Select Next"
 * outcomes (and failed final SELECTs) fall through to the next candidate (Start C) within the tap;
 * Try Again (Start B) goes back to the caller, which polls for the card again and calls `tap` with the
 * same pre-processing result.
 */
export interface EntryPointOptions {
  combinations: readonly Combination[];
  /** Kernels by kernel identifier. */
  kernels: ReadonlyMap<number, Kernel>;
  terminalFloorLimit?: number;
  onlineCapable: boolean;
  timer?: () => number;
}

export class EntryPoint {
  constructor(private readonly options: EntryPointOptions) {}

  /** Start A: pre-processing against the reader limits. */
  preProcess(transaction: ContactlessTransaction): PreProcessingResult {
    return preProcess(this.options.combinations, {
      amount: transaction.amount,
      onlineCapable: this.options.onlineCapable,
      ...(this.options.terminalFloorLimit === undefined
        ? {}
        : { terminalFloorLimit: this.options.terminalFloorLimit }),
    });
  }

  /**
   * One card in the field: Start B (protocol activation already done by the reader driver) through the
   * kernel outcome. `pre` comes from `preProcess` and is reused on a restart.
   */
  async tap(
    channel: ApduChannel,
    transaction: ContactlessTransaction,
    pre: PreProcessingResult,
    signal?: AbortSignal,
  ): Promise<KernelOutcome> {
    if (pre.allNotAllowed) return tryAnotherInterface();
    const session = new CardSession(channel, this.options.timer ?? (() => performance.now()), signal);
    try {
      const ppse = await session.send(SELECT_PPSE, "SELECT PPSE");
      if (ppse.sw !== 0x9000) return tryAnotherInterface();
      const allowed = (c: Combination) =>
        pre.indicators.get(combinationKey(c))?.contactlessApplicationNotAllowed === false &&
        this.options.kernels.has(c.kernelId);
      const candidates = buildCandidates(parsePpse(ppse.data), this.options.combinations, allowed);
      while (candidates.length > 0) {
        const candidate = candidates.shift()!;
        const selected = await this.finalSelect(session, candidate);
        if (!selected) continue;
        const kernel = this.options.kernels.get(candidate.combination.kernelId)!;
        const result = await kernel.activate({
          session,
          combination: candidate.combination,
          indicators: pre.indicators.get(combinationKey(candidate.combination))!,
          dfName: selected.dfName,
          fci: selected.fci,
          transaction,
        });
        if (result.outcome === "select-next") continue;
        return result;
      }
      // No application the reader and card share over contactless: insert or swipe (CUP practice).
      return tryAnotherInterface();
    } catch (error) {
      if (error instanceof CardGoneError) return tryAgain();
      throw error;
    }
  }

  private async finalSelect(
    session: CardSession,
    candidate: Candidate,
  ): Promise<{ dfName: Buffer; fci: TlvNode[] } | undefined> {
    const { data, sw } = await session.send(selectAidCommand(candidate), "SELECT AID");
    if (sw !== 0x9000) return undefined;
    let fci: TlvNode[];
    try {
      fci = decodeTlv(data);
    } catch {
      return undefined;
    }
    const dfName = findTag(fci, "84")?.value ?? candidate.entry.adfName;
    return { dfName, fci };
  }
}
