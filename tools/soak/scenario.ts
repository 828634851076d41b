import { FAULT_KINDS, FAULTS, type FaultKind } from "./faults.js";
import { Prng } from "./prng.js";

/** What one soak transaction does (the cashier's choice on the menu). */
export type ScenarioKind = "sale" | "void" | "refund" | "preauth" | "completion" | "balance";
/** How the card reaches the terminal; "none" for voids (PAN from the journal), "original" to repeat the original's. */
export type Entry = "swipe" | "insert" | "tap" | "qr" | "none" | "original";

export interface PlannedStep {
  index: number;
  kind: ScenarioKind;
  entry: Entry;
  /** Rig card name (undefined for QR, voids and "original"). */
  card?: string;
  /** Fen. Voids take the original's; refunds and completions are capped by it at run time. */
  amount: number;
  /** Which earlier transaction a void, refund or completion refers to: a fraction of the eligible list. */
  pick: number;
  /** QR sales: the consumer's one-time payment code (a used code is refused 12, so each sale has its own). */
  qrCode?: string;
  fault?: FaultKind;
}

export interface PlanOptions {
  transactions: number;
  faultRate: number;
  seed: number;
}

/**
 * Cards by entry mode: the rig's cards that read, and are approved, that way every time. Not
 * cup-credit-scripts: its issuer's script 71 blocks the application on the first online chip read
 * (the card then refuses the approval → reversal 06, and is blocked for the rest of the run).
 */
export const CARDS_BY_ENTRY = {
  swipe: ["cup-magstripe", "cup-credit"],
  insert: ["cup-debit", "mc-credit"],
  tap: ["cup-debit"],
} as const;

const KIND_WEIGHTS: readonly (readonly [ScenarioKind, number])[] = [
  ["sale", 55],
  ["void", 10],
  ["refund", 8],
  ["preauth", 10],
  ["completion", 7],
  ["balance", 10],
];

const SALE_ENTRIES: readonly (readonly [Entry, number])[] = [
  ["swipe", 3],
  ["insert", 3],
  ["tap", 2],
  ["qr", 2],
];

/**
 * The whole run decided up front from the seed: kinds, entry modes, cards, amounts, faults. The same
 * seed gives the same plan; only which earlier transaction a void picks depends on how the run went.
 */
export function planSoak(options: PlanOptions): PlannedStep[] {
  const random = new Prng(options.seed);
  const steps: PlannedStep[] = [];
  for (let index = 0; index < options.transactions; index++) {
    const kind = random.weighted(KIND_WEIGHTS);
    let entry: Entry;
    let card: string | undefined;
    if (kind === "void") entry = "none";
    else if (kind === "refund" || kind === "completion") entry = "original";
    else if (kind === "sale") entry = random.weighted(SALE_ENTRIES);
    else entry = random.pick(["swipe", "insert"] as const);
    if (entry === "swipe" || entry === "insert" || entry === "tap") card = random.pick(CARDS_BY_ENTRY[entry]);
    // 1 fen .. 200 yuan: under the no-signature limit and the cards' limits over a long run.
    const amount = kind === "balance" ? 0 : random.int(1, 20_000);
    const pick = random.next();
    let step: PlannedStep = { index, kind, entry, amount, pick, ...(card ? { card } : {}) };
    if (random.chance(options.faultRate)) {
      // Every fault equally likely; the transaction is reshaped when the fault needs another one.
      const fault = random.pick(FAULT_KINDS);
      step = fitTo(step, fault);
      step.fault = fault;
    }
    if (step.entry === "qr") step.qrCode = paymentCode(index);
    steps.push(step);
  }
  return steps;
}

/** The step itself when the fault applies to it, else a sale the fault applies to (same index and pick). */
function fitTo(step: PlannedStep, fault: FaultKind): PlannedStep {
  const spec = FAULTS[fault];
  if (spec.appliesTo(step)) return step;
  const { entry, card } = spec.needs ?? { entry: "swipe", card: "cup-magstripe" };
  const sale: PlannedStep = {
    index: step.index,
    kind: "sale",
    entry,
    card,
    amount: step.amount > 0 ? step.amount : 100 + step.index,
    pick: step.pick,
  };
  if (!spec.appliesTo(sale)) throw new Error(`fault ${fault} fits no sale`);
  return sale;
}

/** A UnionPay payment code (19 digits starting 62) of its own per step; the tail avoids the host's test list. */
export function paymentCode(index: number): string {
  return `6225${String(index).padStart(11, "0")}0001`;
}
