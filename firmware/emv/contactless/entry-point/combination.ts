import { toHex } from "../../../../protocol/hex.js";

/**
 * One {AID, kernel} combination the reader supports, with its reader limits (Book A §5.2; CUP AID
 * record DF19 floor, DF20 transaction limit, DF21 CVM limit, 9F66 TTQ). Amounts are integer fen.
 */
export interface Combination {
  /** Reader AID: a card ADF name matches when it begins with these bytes. */
  aid: Buffer;
  /** Kernel identifier (Book B: 2 Mastercard, 3 Visa, 7 UnionPay). */
  kernelId: number;
  /** At or above: contactless not allowed for this combination. Undefined = no limit. */
  transactionLimit?: number;
  /** Above: an online cryptogram is required. Undefined = the terminal floor limit 9F1B applies. */
  floorLimit?: number;
  /** At or above: a CVM is required. */
  cvmLimit?: number;
  /** Configured TTQ (9F66) for qPBOC / qVSDC kernels; byte 2 b8/b7 are set by pre-processing. */
  ttq?: Buffer;
  /** Status check: an amount of one unit asks for an online cryptogram. */
  statusCheck?: boolean;
  /** Zero amount allowed: with an online-capable reader a zero amount goes online; otherwise not allowed. */
  zeroAmountAllowed?: boolean;
  /** Extended selection support (9F29 appended to the final SELECT). */
  extendedSelection?: boolean;
}

/** Book A §5.2 indicators, the result of pre-processing for one combination. */
export interface PreProcessingIndicators {
  statusCheckRequested: boolean;
  contactlessApplicationNotAllowed: boolean;
  zeroAmount: boolean;
  readerCvmRequiredLimitExceeded: boolean;
  readerContactlessFloorLimitExceeded: boolean;
  /** The TTQ this combination's kernel sends, when the combination has one. */
  ttq?: Buffer;
}

/** Kernel id from the RID when the directory entry carries no 9F2A (Book B §3.3.2.5). */
export function defaultKernelId(aid: Buffer): number | undefined {
  switch (toHex(aid.subarray(0, 5))) {
    case "A000000004":
      return 2;
    case "A000000003":
      return 3;
    case "A000000025":
      return 4;
    case "A000000065":
      return 5;
    case "A000000152":
      return 6;
    case "A000000333":
      return 7;
    default:
      return undefined;
  }
}

export function combinationKey(c: Pick<Combination, "aid" | "kernelId">): string {
  return `${toHex(c.aid)}/${c.kernelId}`;
}
