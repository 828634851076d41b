/**
 * One life of the terminal for the power-cut tests (tests/integration/power-cut/): boots the firmware on
 * the rig against a host simulator the parent keeps running, runs one scenario, prints one JSON line and
 * exits 0 — unless the power is cut first: with `crashAt: N` the process SIGKILLs itself synchronously
 * right after the Nth journal commit of the scenario's measured phase (the boot before it is not counted),
 * so the next life finds the journal, key store and print spool exactly as the cut left them.
 *
 *   node dist/tools/terminal/power-cut-child.js '{"dir":…,"host":{"host":…,"port":…},"scenario":"sale",…}'
 *   (or the same JSON in POWER_CUT_ARGS)
 *
 * Scenarios: boot | sale | timeout-sale | void | refund | preauth | settle | recover-and-check. Void and
 * refund make their sale first (not measured); preauth measures the pre-authorisation and its completion. Every life boots the way the terminal
 * does (self-test, journal recovery — pending reversals go first, under the keys they were sealed with —
 * then sign-in, which also loads the PIK into the rig's PIN pad, an in-memory device that forgets it).
 */
import type { TerminalApp } from "../../firmware/app/terminal-app.js";
import type { CardInput } from "../../firmware/card-entry/index.js";
import type { ExportedRecord } from "../../firmware/journal/journal-export.js";
import { RigTerminal } from "./rig-terminal.js";

export const POWER_CUT_SCENARIOS = [
  "boot",
  "sale",
  "timeout-sale",
  "void",
  "refund",
  "preauth",
  "settle",
  "recover-and-check",
] as const;
export type PowerCutScenario = (typeof POWER_CUT_SCENARIOS)[number];

export interface PowerCutArgs {
  dir: string;
  host: { host: string; port: number };
  scenario: PowerCutScenario;
  /** Terminal ID (8 characters): one per run keeps each run's host state (batch, STANs, ledger) apart. */
  terminalId?: string;
  /** Cut the power right after this journal commit of the measured phase (1-based). */
  crashAt?: number;
  /** Cut the power this many ms into the measured phase, wherever the terminal then is (between commits). */
  crashAfterMs?: number;
  /** Fen: the sale amount (the parent matches host behaviours on it). */
  amount?: number;
  /** Host response timeout (the settings allow 1000 ms and up). */
  responseTimeoutMs?: number;
  /** recover-and-check: finish an interrupted settlement (settle again while the batch has unsettled rows). */
  settleOnRecovery?: boolean;
}

export interface PowerCutPhase {
  phase: string;
  /** Journal commit labels in order (see firmware/journal/commit-points.ts). */
  commits: string[];
  /** How long the phase took (until the next began). */
  ms?: number;
}

export interface PowerCutReport {
  ok: boolean;
  scenario: PowerCutScenario;
  error?: string;
  phases: PowerCutPhase[];
  /** What the scenario saw: payment results, print outcomes, recovery, settlement. */
  result: Record<string, unknown>;
  journal: {
    rows: (ExportedRecord & { receipts: string[] })[];
    pendingReversals: string[];
    unprinted: string[];
    copies: number;
    batch: string;
    nextStan: string;
    settlements: { batch: string; stage: string; result?: string; responseCode?: string }[];
  };
}

const MEASURED: Readonly<Record<PowerCutScenario, string | undefined>> = {
  boot: undefined,
  sale: "sale",
  "timeout-sale": "timeout-sale",
  void: "void",
  refund: "refund",
  preauth: "preauth",
  settle: "settle",
  "recover-and-check": undefined,
};

function readArgs(): PowerCutArgs {
  const text = process.argv[2] ?? process.env.POWER_CUT_ARGS;
  if (!text) throw new Error("usage: power-cut-child '<json args>' (or POWER_CUT_ARGS)");
  const args = JSON.parse(text) as PowerCutArgs;
  if (typeof args.dir !== "string" || !args.host || !POWER_CUT_SCENARIOS.includes(args.scenario)) {
    throw new Error(`bad arguments: ${text}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = readArgs();
  const phases: PowerCutPhase[] = [{ phase: "start", commits: [] }];
  let phaseStarted = performance.now();
  const measured = MEASURED[args.scenario];
  let inMeasured = false;
  let measuredCommits = 0;
  const onJournalCommit = (point: string) => {
    phases[phases.length - 1]!.commits.push(point);
    if (!inMeasured) return;
    measuredCommits++;
    // The power cut: nothing after this commit happens (no further write, no reply, no flush).
    if (measuredCommits === args.crashAt) process.kill(process.pid, "SIGKILL");
  };
  const phase = (name: string) => {
    const now = performance.now();
    phases[phases.length - 1]!.ms = Math.round(now - phaseStarted);
    phaseStarted = now;
    phases.push({ phase: name, commits: [] });
    inMeasured = name === measured;
    // A cut at a moment rather than at a commit: the timer fires between whatever I/O is then under way.
    if (inMeasured && args.crashAfterMs !== undefined) {
      setTimeout(() => process.kill(process.pid, "SIGKILL"), args.crashAfterMs);
    }
  };
  const terminal = await RigTerminal.start({
    dir: args.dir,
    hostAddress: args.host,
    onJournalCommit,
    settings: (s) => ({
      ...s,
      terminal: { ...s.terminal, ...(args.terminalId ? { terminalId: args.terminalId } : {}) },
      host: {
        ...s.host,
        responseTimeoutMs: args.responseTimeoutMs ?? 10_000,
        connectTimeoutMs: 2000,
      },
    }),
  });
  const { app } = terminal;
  const result: Record<string, unknown> = {};
  let error: string | undefined;
  try {
    phase("boot");
    const faults = await app.selfTest();
    if (faults.length > 0) result.faults = faults.map((f) => `${f.device}: ${f.message}`);
    result.recovery = await app.recover(AbortSignal.timeout(20_000));
    result.signIn = await app.signIn(AbortSignal.timeout(20_000));
    switch (args.scenario) {
      case "boot":
      case "recover-and-check":
        break;
      case "sale": {
        phase("sale");
        result.sale = await sale(terminal, args.amount ?? 1234, "swipe", "cup-magstripe");
        break;
      }
      case "timeout-sale": {
        phase("timeout-sale");
        result.sale = await sale(terminal, args.amount ?? 6666, "swipe", "cup-magstripe");
        break;
      }
      case "void":
      case "refund": {
        phase("original");
        const original = await sale(terminal, args.amount ?? 1234, "swipe", "cup-magstripe");
        const record = app.journal.get(original.journalId as number)!;
        phase(args.scenario);
        result[args.scenario] =
          args.scenario === "void"
            ? await pay(terminal, { type: "void", amount: 0, original: { stan: record.stan } })
            : await pay(terminal, {
                type: "refund",
                amount: Math.max(1, Math.floor(record.amount / 2)),
                original: { stan: record.stan, ...(record.rrn ? { rrn: record.rrn } : {}) },
                present: () => terminal.rig.swipe("cup-magstripe"),
              });
        break;
      }
      case "preauth": {
        phase("preauth");
        const held = await pay(terminal, {
          type: "preauth",
          amount: args.amount ?? 5000,
          present: () => terminal.rig.swipe("cup-magstripe"),
        });
        const record = app.journal.get(held.journalId as number)!;
        result.preauth = held;
        result.completion = await pay(terminal, {
          type: "preauth-completion",
          amount: args.amount ?? 5000,
          original: { authCode: record.authCode!, date: record.hostDate! },
          present: () => terminal.rig.swipe("cup-magstripe"),
        });
        break;
      }
      case "settle": {
        phase("sales");
        result.sales = [
          await sale(terminal, args.amount ?? 1234, "swipe", "cup-magstripe"),
          await sale(terminal, (args.amount ?? 1234) + 1, "insert", "cup-debit"),
        ];
        phase("settle");
        result.settlement = settlementSummary(await app.settle(AbortSignal.timeout(20_000)));
        break;
      }
    }
    if (args.scenario === "recover-and-check") {
      phase("check");
      // What the cut left for the slips, before anything is printed: the e-receipts stored so far.
      result.atBoot = app.journal.query({ status: "approved" }).map((r) => ({
        stan: r.stan,
        copiesPrinted: r.copiesPrinted,
        receipts: app.journal.receipts(r.id).length,
      }));
      result.unprintedAtBoot = app.unprinted().map((r) => r.stan);
      result.printed = await printUnprinted(app);
      // An interrupted settlement (or one cut before it opened its run) is finished the way the operator
      // would: settle again. A batch that closed before the cut has nothing left unsettled.
      const open = app.journal.currentSettlement();
      if (args.settleOnRecovery && (open || app.journal.unsettled().length > 0)) {
        result.settledAgainBatch = open?.batch ?? app.journal.batch();
        result.settlement = settlementSummary(await app.settle(AbortSignal.timeout(20_000)));
      }
    }
    phase("end");
  } catch (caught) {
    error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
  }
  const report: PowerCutReport = {
    ok: error === undefined,
    scenario: args.scenario,
    ...(error ? { error } : {}),
    phases: phases.filter((p) => p.commits.length > 0 || p.phase !== "start"),
    result,
    journal: journalView(app),
  };
  await terminal.stop({ keepDir: true });
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** A sale as the merchant runs it: wait for the card, present it, pay, print the slip, take the card. */
function sale(
  terminal: RigTerminal,
  amount: number,
  how: "swipe" | "insert",
  cardName: string,
): Promise<Record<string, unknown>> {
  return pay(terminal, {
    type: "sale",
    amount,
    present: () => (how === "swipe" ? terminal.rig.swipe(cardName) : terminal.rig.insert(cardName)),
  });
}

/** One payment, the card presented first when `present` is given; the slip printed when approved. */
async function pay(
  terminal: RigTerminal,
  request: {
    type: "sale" | "void" | "refund" | "preauth" | "preauth-completion";
    amount: number;
    original?: { stan?: string; rrn?: string; authCode?: string; date?: string };
    present?: () => Promise<void> | void;
  },
): Promise<Record<string, unknown>> {
  const { app, rig } = terminal;
  const signal = AbortSignal.timeout(20_000);
  let card: CardInput | undefined;
  if (request.present) {
    const waiting = app.waitForCard(signal);
    await request.present();
    card = await waiting;
  }
  const paid = await app.pay({
    type: request.type,
    amount: request.amount,
    signal,
    ...(card ? { card } : {}),
    ...(request.original ? { original: request.original } : {}),
  });
  const out: Record<string, unknown> = {
    status: paid.status,
    responseCode: paid.responseCode,
    journalId: paid.journalId,
  };
  if (paid.journalId !== undefined && paid.status === "approved") {
    out.print = await app.printSlip(paid.journalId, { signal });
  }
  if (card) {
    rig.remove();
    await app.waitForCardRemoval(signal);
  }
  return out;
}

async function printUnprinted(app: TerminalApp): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const record of app.unprinted()) {
    const outcome = await app.printSlip(record.id, { signal: AbortSignal.timeout(20_000) });
    out.push({ id: record.id, stan: record.stan, before: record.copiesPrinted, ok: outcome.ok });
  }
  return out;
}

function settlementSummary(s: Awaited<ReturnType<TerminalApp["settle"]>>): Record<string, unknown> {
  return { batch: s.batch, nextBatch: s.nextBatch, result: s.result, uploaded: s.uploaded };
}

function journalView(app: TerminalApp): PowerCutReport["journal"] {
  const { journal } = app;
  return {
    rows: journal.exportRecords().map((r) => ({ ...r, receipts: journal.receipts(r.id).map((x) => x.copy) })),
    pendingReversals: journal.pendingReversals().map((r) => r.stan),
    unprinted: app.unprinted().map((r) => r.stan),
    copies: app.settings.receipts.copies,
    batch: journal.batch(),
    nextStan: journal.peekStan(),
    settlements: journal.settlementHistory().map((s) => ({
      batch: s.batch,
      stage: s.stage,
      ...(s.result ? { result: s.result } : {}),
      ...(s.responseCode ? { responseCode: s.responseCode } : {}),
    })),
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stdout.write(
      `${JSON.stringify({ ok: false, error: error instanceof Error ? error.stack : String(error) })}\n`,
    );
    process.exit(1);
  },
);
