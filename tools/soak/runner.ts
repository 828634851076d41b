import type { CardInput } from "../../firmware/card-entry/index.js";
import type { TransactionRecord } from "../../firmware/journal/index.js";
import type { TransactionType } from "../../firmware/journal/transaction-record.js";
import type { PaymentRequest, PaymentResult } from "../../firmware/transactions/payment-flow.js";
import { TransactionError } from "../../firmware/transactions/transaction-error.js";
import { cupSpec } from "../../protocol/iso8583/cup/spec.js";
import { unpack } from "../../protocol/iso8583/message.js";
import { RigTerminal } from "../terminal/rig-terminal.js";
import { FAULTS, type FaultKind, type FaultTarget, type Observed } from "./faults.js";
import { checkReversals, checkStans, compareWithLedger, type SentRequest } from "./invariants.js";
import type { SoakReport, StepOutcome } from "./report.js";
import { buildReport } from "./report.js";
import {
  CARDS_BY_ENTRY,
  type Entry,
  type PlannedStep,
  type PlanOptions,
  planSoak,
  type ScenarioKind,
} from "./scenario.js";

export interface SoakOptions extends PlanOptions {
  /** The terminal's response timeout (ms, ≥ 1000): what a "no answer" costs. */
  responseTimeoutMs?: number;
  /** One line per transaction as the run goes. */
  onStep?: (outcome: StepOutcome) => void;
}

const PROBE_CARD = "cup-magstripe";

const TYPE_OF: Record<ScenarioKind, TransactionType> = {
  sale: "sale",
  void: "void",
  refund: "refund",
  preauth: "preauth",
  completion: "preauth-completion",
  balance: "balance",
};

/** What the run needs to know of an approved transaction to void, refund or complete it later. */
interface Presented {
  entry: Entry;
  card?: string;
}

interface Resolved {
  type: TransactionType;
  entry: Entry;
  card?: string;
  qrCode?: string;
  amount: number;
  original?: PaymentRequest["original"];
  originalId?: number;
  note?: string;
}

interface Performed {
  result?: PaymentResult;
  error?: unknown;
  retapped: boolean;
  slipHeld: boolean;
  slipProblem?: string;
  /** A void refused without the card went through with it. */
  voidNeededCard?: boolean;
}

const signal = (ms = 30_000) => AbortSignal.timeout(ms);

/**
 * The soak: the real terminal on the rig against the host simulator, driven through the planned
 * transactions with the planned faults, then reversals and advices flushed, the batch settled and the
 * journal reconciled with the host's ledger.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const responseTimeoutMs = options.responseTimeoutMs ?? 1000;
  const plan = planSoak(options);
  const started = Date.now();
  const t = await RigTerminal.start({
    settings: (s) => ({
      ...s,
      host: {
        ...s.host,
        responseTimeoutMs,
        connectTimeoutMs: 1000,
        backoff: { initialMs: 20, maxMs: 100 },
        reversalRetries: 5,
      },
      // Velocity would refuse the soak's repeated cards: it is covered by its own tests.
      limits: { ...s.limits, velocity: { maxPerCard: 0, windowMinutes: 10 } },
      receipts: { ...s.receipts, copies: 1 },
    }),
  });
  const sent = captureRequests(t);
  const outcomes: StepOutcome[] = [];
  const violations: string[] = [];
  const notes: string[] = [];
  const presented = new Map<number, Presented>();
  const used = new Set<number>();
  let probes = 0;
  let probesApproved = 0;
  try {
    const faults = await t.app.selfTest();
    const fatal = faults.filter((f) => f.fatal);
    if (fatal.length > 0)
      throw new Error(`self-test: ${fatal.map((f) => `${f.device} ${f.message}`).join("; ")}`);
    await t.app.recover();
    await t.app.signIn(signal());

    for (const step of plan) {
      const resolved = resolve(t, step, presented, used);
      const fault = step.fault ? FAULTS[step.fault] : undefined;
      const target: FaultTarget = {
        t,
        mti: resolved.type === "preauth" ? "0100" : "0200",
        amount: resolved.amount,
        responseTimeoutMs,
      };
      if (fault) await fault.arm(target);
      let performed: Performed;
      try {
        performed = await perform(t, resolved);
      } finally {
        if (fault?.disarm) await fault.disarm(target);
        t.host.clearBehaviours();
      }
      if (fault) await t.app.reversals.flush(signal()).catch(() => undefined);
      const record = recordOf(t, performed.result);
      if (record && record.status === "approved" && resolved.type !== "balance") {
        presented.set(record.id, {
          entry: resolved.entry,
          ...(resolved.card ? { card: resolved.card } : {}),
        });
        if (resolved.originalId !== undefined) used.add(resolved.originalId);
      }
      const observed = observe(t, performed, record);
      const outcome: StepOutcome = {
        index: step.index,
        kind: step.kind,
        type: resolved.type,
        entry: resolved.entry,
        amount: record?.amount ?? resolved.amount,
        status: observed.status,
        ...(observed.responseCode ? { responseCode: observed.responseCode } : {}),
        ...(record ? { stan: record.stan } : {}),
        ...(resolved.note ? { note: resolved.note } : {}),
        ...(observed.error ? { error: observed.error } : {}),
        ...(performed.result && observed.status !== "approved" ? { message: performed.result.en } : {}),
        problems: [],
      };
      if (performed.slipProblem) outcome.problems.push(performed.slipProblem);
      if (fault) {
        outcome.fault = fault.kind;
        const wrong = fault.check(observed);
        if (wrong) outcome.problems.push(`${fault.kind}: ${wrong}`);
        // Survived: nothing left pending, and the next cardholder is served.
        const pending = t.app.reversals.pending().length;
        if (pending > 0)
          outcome.problems.push(`${fault.kind}: ${pending} reversal(s) still pending after flush`);
        probes++;
        const probe = await runProbe(t, step.index);
        if (probe === "approved") probesApproved++;
        else outcome.problems.push(`${fault.kind}: the next sale after the fault was ${probe}`);
        outcome.survived = outcome.problems.length === 0;
      } else if (observed.status !== "approved" && observed.status !== "voided") {
        outcome.problems.push(`unfaulted ${resolved.type} ended ${describeObserved(observed)}`);
      }
      for (const p of outcome.problems) violations.push(`step ${step.index} (${resolved.type}): ${p}`);
      if (performed.retapped && !fault) {
        notes.push(
          `step ${step.index} (${resolved.type}): the contactless read asked for the card again without a fault`,
        );
      }
      if (performed.voidNeededCard) {
        notes.push(
          `step ${step.index} (void of STAN ${resolved.original?.stan}): refused without the card (journal PAN under a replaced TDK); went through with the card`,
        );
      }
      if (observed.status === "error" && outcome.problems.length === 0) {
        // Handled, but not the way the flow promises (a TransactionError or a result): worth a look.
        notes.push(
          `step ${step.index} (${resolved.type}${fault ? `, ${fault.kind}` : ""}): pay() threw ${observed.error}`,
        );
      }
      outcomes.push(outcome);
      options.onStep?.(outcome);
    }

    // End of day: nothing may stay unconfirmed, then settle.
    for (let i = 0; i < 3 && t.app.reversals.pending().length > 0; i++) {
      await t.app.reversals.flush(signal()).catch(() => undefined);
    }
    const advices = await t.app.advices.flush(signal());
    if (advices.left > 0) violations.push(`${advices.left} advice(s) not sent before settlement`);
    const records = t.app.journal.query({});
    const ledger = t.host.ledger().transactions;
    const terminalId = t.app.settings.terminal.terminalId;
    const ledgerProblems = compareWithLedger(records, ledger, terminalId);
    const reversalProblems = checkReversals(records);
    let settlement: SoakReport["settlement"];
    try {
      const settled = await t.app.settle(signal(60_000));
      settlement = {
        batch: settled.batch,
        nextBatch: settled.nextBatch,
        result: settled.result,
        uploaded: settled.uploaded,
        debit: settled.terminalTotals,
      };
      if (settled.result !== "balanced")
        violations.push(`settlement of batch ${settled.batch} ${settled.result}`);
    } catch (error) {
      settlement = { error: message(error) };
      violations.push(`settlement failed: ${message(error)}`);
    }
    const after = t.app.journal.query({});
    const unsettled = after.filter(
      (r) =>
        r.settlement !== "settled" &&
        r.type !== "balance" &&
        (r.status === "approved" || r.status === "voided"),
    );
    if (unsettled.length > 0) violations.push(`${unsettled.length} approved row(s) not settled`);
    const stanProblems = checkStans(after, sent);
    violations.push(...ledgerProblems, ...reversalProblems, ...stanProblems);
    return buildReport({
      options: { transactions: options.transactions, faultRate: options.faultRate, seed: options.seed },
      outcomes,
      records: after,
      probes: { run: probes, approved: probesApproved },
      ledgerProblems,
      reversalProblems,
      stanProblems,
      requestsSent: sent.length,
      settlement,
      violations,
      notes,
      elapsedMs: Date.now() - started,
    });
  } finally {
    await t.stop();
  }
}

/** Voids, refunds and completions refer to an earlier approved transaction; with none, a sale instead. */
function resolve(
  t: RigTerminal,
  step: PlannedStep,
  presented: Map<number, Presented>,
  used: Set<number>,
): Resolved {
  const batch = t.app.journal.batch();
  const eligible = (types: TransactionType[], cardOnly: boolean): TransactionRecord[] =>
    t.app.journal
      .query({ batch, status: ["approved"], type: types })
      .filter((r) => !used.has(r.id) && presented.has(r.id))
      .filter((r) => !cardOnly || presented.get(r.id)!.card !== undefined)
      .sort((a, b) => a.id - b.id);
  const choose = (list: TransactionRecord[]) =>
    list[Math.min(list.length - 1, Math.floor(step.pick * list.length))];
  if (step.kind === "void") {
    // Card sales only: a scan-code sale keeps no PAN to void by.
    const original = choose(eligible(["sale"], true));
    if (original) {
      const how = presented.get(original.id)!;
      return {
        type: "void",
        entry: "none",
        // Kept for when the journal's PAN cannot be opened any more (see perform).
        card: how.card!,
        amount: original.amount,
        original: { stan: original.stan },
        originalId: original.id,
      };
    }
  } else if (step.kind === "refund") {
    const original = choose(eligible(["sale"], true));
    if (original) {
      const how = presented.get(original.id)!;
      return {
        type: "refund",
        // A refund identifies the account: a tapped card is inserted for it.
        entry: how.entry === "tap" ? "insert" : how.entry,
        card: how.card!,
        amount: Math.min(step.amount, original.amount),
        original: {
          stan: original.stan,
          ...(original.rrn ? { rrn: original.rrn } : {}),
        } as PaymentRequest["original"],
        originalId: original.id,
      };
    }
  } else if (step.kind === "completion") {
    const original = choose(eligible(["preauth"], true));
    if (original?.authCode && original.hostDate) {
      const how = presented.get(original.id)!;
      return {
        type: "preauth-completion",
        entry: how.entry,
        card: how.card!,
        amount: Math.min(step.amount, original.amount),
        original: { authCode: original.authCode, date: original.hostDate } as PaymentRequest["original"],
        originalId: original.id,
      };
    }
  } else {
    return {
      type: TYPE_OF[step.kind],
      entry: step.entry,
      ...(step.card ? { card: step.card } : {}),
      ...(step.qrCode ? { qrCode: step.qrCode } : {}),
      amount: step.amount,
    };
  }
  return {
    type: "sale",
    entry: "swipe",
    card: PROBE_CARD,
    amount: Math.max(1, step.amount),
    note: `no original for a ${step.kind}: a sale instead`,
  };
}

async function present(
  t: RigTerminal,
  r: Pick<Resolved, "entry" | "card" | "qrCode">,
): Promise<CardInput | undefined> {
  const { entry, card } = r;
  if (entry === "none" || entry === "original") return undefined;
  const waiting = t.app.waitForCard(signal());
  if (entry === "qr") t.scanner.scan(r.qrCode!);
  else if (entry === "swipe") await t.rig.swipe(card!);
  else if (entry === "insert") t.rig.insert(card!);
  else t.rig.tap(card!);
  return waiting;
}

/** One transaction at the counter: card, pay (one re-tap when asked), slip, card taken away. */
async function perform(t: RigTerminal, r: Resolved): Promise<Performed> {
  const performed: Performed = { retapped: false, slipHeld: false };
  const attempt = async (how: Pick<Resolved, "entry" | "card" | "qrCode"> = r): Promise<PaymentResult> => {
    const card = await present(t, how);
    return t.app.pay({
      type: r.type,
      amount: r.amount,
      signal: signal(),
      ...(card ? { card } : {}),
      ...(r.original ? { original: r.original } : {}),
    });
  };
  try {
    let result: PaymentResult;
    try {
      result = await attempt();
    } catch (error) {
      // 请刷卡或插卡: the journal's PAN is under a TDK an intervening sign-in replaced; the cashier asks
      // for the card, as the terminal says.
      if (!(r.type === "void" && error instanceof TransactionError && error.code === "card" && r.card))
        throw error;
      performed.voidNeededCard = true;
      result = await attempt({
        entry: CARDS_BY_ENTRY.swipe.includes(r.card as "cup-magstripe") ? "swipe" : "insert",
        card: r.card,
      });
    }
    // "Present the card again": the cardholder taps again (twice at most, as a loaded machine can ask).
    for (let taps = 0; result.retry === "tap" && taps < 2; taps++) {
      await removeCard(t);
      performed.retapped = true;
      result = await attempt();
    }
    performed.result = result;
    if (result.journalId !== undefined && result.status === "approved" && r.type !== "balance") {
      const printed = await t.app.printSlip(result.journalId);
      if (!printed.ok) {
        if (printed.paperOut) performed.slipHeld = true;
        else performed.slipProblem = `slip not printed: ${printed.en}`;
        t.rig.paperIn();
        await t.app.completeSlip(result.journalId, signal(10_000));
        const row = t.app.journal.get(result.journalId)!;
        const copies = t.app.settings.receipts.copies;
        if (row.copiesPrinted !== copies)
          performed.slipProblem = `slip resumed with ${row.copiesPrinted}/${copies} copies`;
      }
    }
  } catch (error) {
    performed.error = error;
  } finally {
    await removeCard(t).catch(() => undefined);
  }
  return performed;
}

async function removeCard(t: RigTerminal): Promise<void> {
  t.rig.remove();
  await t.app.waitForCardRemoval(signal(5000));
}

/** After a fault: the next cardholder's swipe sale must go through. */
async function runProbe(t: RigTerminal, index: number): Promise<string> {
  const performed = await perform(t, {
    type: "sale",
    entry: "swipe",
    card: PROBE_CARD,
    amount: 100 + (index % 900),
  });
  if (performed.error) return `refused (${message(performed.error)})`;
  const record = recordOf(t, performed.result);
  return record?.status ?? performed.result?.status ?? "no result";
}

function recordOf(t: RigTerminal, result: PaymentResult | undefined): TransactionRecord | undefined {
  return result?.journalId === undefined ? undefined : t.app.journal.get(result.journalId);
}

function observe(t: RigTerminal, performed: Performed, record: TransactionRecord | undefined): Observed {
  const base = {
    reSignInRequired: t.app.session.reSignInRequired,
    slipHeld: performed.slipHeld,
    retapped: performed.retapped,
  };
  if (performed.error) {
    return {
      ...base,
      status: performed.error instanceof TransactionError ? "refused" : "error",
      error: message(performed.error),
    };
  }
  const status = record?.status ?? performed.result?.status ?? "none";
  const responseCode = record?.responseCode ?? performed.result?.responseCode;
  return {
    ...base,
    status,
    ...(responseCode ? { responseCode } : {}),
    ...(record?.reversal ? { reversalReason: record.reversal.reason } : {}),
  };
}

function describeObserved(o: Observed): string {
  return `${o.status}${o.responseCode ? ` ${o.responseCode}` : ""}${o.error ? ` (${o.error})` : ""}`;
}

function message(error: unknown): string {
  if (error instanceof TransactionError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Every request's MTI and STAN as it leaves (the host sees the same bytes). */
function captureRequests(t: RigTerminal): SentRequest[] {
  const link = t.app.link;
  const send = link.exchange.bind(link);
  const sent: SentRequest[] = [];
  link.exchange = (body, expect, abort) => {
    const m = unpack(cupSpec, body);
    sent.push({ mti: m.mti, stan: m.fields[11] ?? "" });
    return send(body, expect, abort);
  };
  return sent;
}

export type { FaultKind };
