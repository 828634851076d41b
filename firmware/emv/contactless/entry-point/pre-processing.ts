import { type Combination, combinationKey, type PreProcessingIndicators } from "./combination.js";

/** What pre-processing needs to know about the transaction and the reader. */
export interface PreProcessingInput {
  /** Amount authorised in fen. */
  amount: number;
  /** Terminal floor limit 9F1B (fen), used when a combination has no contactless floor limit. */
  terminalFloorLimit?: number;
  /** Reader can go online (an offline-only reader cannot serve a zero amount or a status check). */
  onlineCapable: boolean;
}

export interface PreProcessingResult {
  /** Indicators per combination (key: `AID/kernel`), allowed or not. */
  indicators: Map<string, PreProcessingIndicators>;
  /** True when every combination was disallowed: the outcome is Try Another Interface. */
  allNotAllowed: boolean;
}

/**
 * Book A §5.2 pre-processing (and the qPBOC rules of JR/T 0025.12 §6.2, which are the same logic):
 * per combination, status check and zero amount ⇒ online cryptogram required (or not allowed offline-
 * only); amount ≥ transaction limit ⇒ not allowed; amount > floor ⇒ online cryptogram required;
 * amount ≥ CVM limit ⇒ CVM required. The TTQ is copied and byte 2 b8 (online cryptogram) / b7 (CVM)
 * set from the indicators.
 */
export function preProcess(
  combinations: readonly Combination[],
  input: PreProcessingInput,
): PreProcessingResult {
  const indicators = new Map<string, PreProcessingIndicators>();
  let allowed = 0;
  for (const c of combinations) {
    const ind: PreProcessingIndicators = {
      statusCheckRequested: false,
      contactlessApplicationNotAllowed: false,
      zeroAmount: false,
      readerCvmRequiredLimitExceeded: false,
      readerContactlessFloorLimitExceeded: false,
    };
    if (c.statusCheck && input.amount === 1) ind.statusCheckRequested = true;
    if (input.amount === 0) {
      if (c.zeroAmountAllowed === false || !input.onlineCapable) ind.contactlessApplicationNotAllowed = true;
      else ind.zeroAmount = true;
    }
    if (c.transactionLimit !== undefined && input.amount >= c.transactionLimit) {
      ind.contactlessApplicationNotAllowed = true;
    }
    const floor = c.floorLimit ?? input.terminalFloorLimit;
    if (floor !== undefined && input.amount > floor) ind.readerContactlessFloorLimitExceeded = true;
    if (c.cvmLimit !== undefined && input.amount >= c.cvmLimit) ind.readerCvmRequiredLimitExceeded = true;
    if (c.ttq) {
      const ttq = Buffer.from(c.ttq);
      ttq[1] = ttq[1]! & 0x3f;
      const online = ind.statusCheckRequested || ind.zeroAmount || ind.readerContactlessFloorLimitExceeded;
      if (online) ttq[1] = ttq[1]! | 0x80;
      if (ind.readerCvmRequiredLimitExceeded) ttq[1] = ttq[1]! | 0x40;
      ind.ttq = ttq;
    }
    if (!ind.contactlessApplicationNotAllowed) allowed += 1;
    indicators.set(combinationKey(c), ind);
  }
  return { indicators, allNotAllowed: allowed === 0 };
}

/** True when the indicators ask for an online cryptogram (floor, zero amount, status check). */
export function onlineCryptogramRequired(ind: PreProcessingIndicators): boolean {
  return ind.statusCheckRequested || ind.zeroAmount || ind.readerContactlessFloorLimitExceeded;
}
