/**
 * Power cuts (issue 7, quality bar): the terminal process is SIGKILLed right after every journal commit of
 * a sale, of a sale that ends in a reversal, and of a settlement — and once more while the host's answer
 * is in flight — then a new life of the terminal recovers on the same storage directory. After recovery
 * nothing is lost or charged twice, counters are never reused, every slip is complete and a settlement
 * closes its batch exactly once. The host simulator lives in this process, so it outlives every terminal.
 *
 * Each run (one power-cut point) has its own storage directory and its own terminal ID, which keeps its
 * host state (batch, STANs, ledger lines, behaviour switches) apart from the other runs on the one host.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BehaviourRuleInput } from "../../../tools/host-sim/config.js";
import { seededRandom } from "../../../tools/rig/fault-plan.js";
import type { PowerCutArgs } from "../../../tools/terminal/power-cut-child.js";
import {
  countersNeverReused,
  journalAgreesWithHost,
  nothingChargedTwice,
  type RunEvidence,
  settledOnce,
  slipsComplete,
} from "./invariants.js";
import {
  type ChildOutcome,
  checkChildBuilt,
  type HostExchange,
  PowerCutHost,
  runChild,
} from "./power-cut-harness.js";

/** The test cards the scenarios use (rig cup-magstripe, cup-debit): the host's balances show what was charged. */
const CARD_PANS = ["6222021000000000014", "6217000000000000033"];

interface Scenario {
  /** Letter in the terminal IDs of its runs. */
  letter: string;
  child: PowerCutArgs["scenario"];
  amount: number;
  responseTimeoutMs?: number;
  /** Host behaviour switches for one run's terminal. */
  behaviours: (terminalId: string) => BehaviourRuleInput[];
  /** The request whose answer is held back while the power is cut. */
  inFlight: string;
  settle: boolean;
}

type ScenarioName = "sale" | "reversal" | "void" | "refund" | "preauth" | "settlement";

const SCENARIOS: Record<ScenarioName, Scenario> = {
  sale: { letter: "S", child: "sale", amount: 1234, behaviours: () => [], inFlight: "0200", settle: false },
  reversal: {
    letter: "R",
    child: "timeout-sale",
    amount: 6666,
    responseTimeoutMs: 1500,
    // The host approves the sale and never answers: timeout → reversal 98.
    behaviours: (terminalId) => [
      { name: `no answer ${terminalId}`, match: { mti: "0200", terminalId }, noAnswer: true, times: 1 },
    ],
    inFlight: "0400",
    settle: false,
  },
  void: { letter: "V", child: "void", amount: 1500, behaviours: () => [], inFlight: "0200", settle: false },
  refund: {
    letter: "F",
    child: "refund",
    amount: 2400,
    behaviours: () => [],
    inFlight: "0220",
    settle: false,
  },
  preauth: {
    letter: "A",
    child: "preauth",
    amount: 5000,
    behaviours: () => [],
    inFlight: "0100",
    settle: false,
  },
  settlement: {
    letter: "T",
    child: "settle",
    amount: 2000,
    behaviours: () => [],
    inFlight: "0500",
    settle: true,
  },
};

type Cut =
  | { kind: "none" }
  | { kind: "commit"; at: number }
  | { kind: "in-flight"; mti: string }
  | { kind: "moment"; ms: number };

let hosted: PowerCutHost;
let root: string;
const points: Record<string, number> = {};

beforeAll(async () => {
  checkChildBuilt();
  hosted = await PowerCutHost.start();
  root = mkdtempSync(join(tmpdir(), "power-cut-"));
});

afterAll(async () => {
  await hosted?.stop();
  if (root && !process.env.POWER_CUT_KEEP) rmSync(root, { recursive: true, force: true });
  const names = Object.keys(SCENARIOS) as ScenarioName[];
  console.log(
    `power-cut points: ${names.map((n) => `${n} ${points[n] ?? 0}`).join(", ")}, random moments ${points.moments ?? 0}; total ${Object.values(points).reduce((a, b) => a + b, 0)}`,
  );
});

function charged(before: number[]): number {
  const after = CARD_PANS.map((pan) => hosted.host.card(pan)?.balance ?? 0);
  return before.reduce((sum, b, i) => sum + b - after[i]!, 0);
}

function heldSince(before: number[]): number {
  const after = CARD_PANS.map((pan) => hosted.host.card(pan)?.held ?? 0);
  return after.reduce((sum, a, i) => sum + a - before[i]!, 0);
}

interface RunResult {
  label: string;
  problems: string[];
  /** Journal commit labels of the measured phase (runs without a cut). */
  measured: string[];
  /** How long the measured phase took (runs without a cut). */
  measuredMs: number;
}

/** One power-cut point: a life cut at `cut`, then a life that recovers; the invariants on what both left. */
async function runOnce(name: ScenarioName, serial: string, cut: Cut): Promise<RunResult> {
  const scenario = SCENARIOS[name];
  const terminalId = `P${scenario.letter}${serial}`;
  const dir = mkdtempSync(join(root, `${terminalId}-`));
  const label = `${name} ${describeCut(cut)} (${terminalId})`;
  const problems: string[] = [];
  const before = CARD_PANS.map((pan) => hosted.host.card(pan)?.balance ?? 0);
  const heldBefore = CARD_PANS.map((pan) => hosted.host.card(pan)?.held ?? 0);
  for (const rule of scenario.behaviours(terminalId)) hosted.host.addBehaviour(rule);
  if (cut.kind === "in-flight") {
    hosted.host.addBehaviour({
      name: `hold ${cut.mti} ${terminalId}`,
      match: { mti: cut.mti, terminalId },
      delayMs: 20_000,
      times: 1,
    });
  }
  const base: PowerCutArgs = {
    dir,
    host: hosted.address,
    scenario: scenario.child,
    terminalId,
    amount: scenario.amount,
    ...(scenario.responseTimeoutMs ? { responseTimeoutMs: scenario.responseTimeoutMs } : {}),
  };
  const first = await runChild(
    hosted,
    {
      ...base,
      ...(cut.kind === "commit" ? { crashAt: cut.at } : {}),
      ...(cut.kind === "moment" ? { crashAfterMs: cut.ms } : {}),
    },
    {
      ...(cut.kind === "in-flight"
        ? { killWhen: (e: HostExchange) => e.terminalId === terminalId && e.mti === cut.mti }
        : {}),
    },
  );
  let measured: string[] = [];
  let measuredMs = 0;
  if (cut.kind === "none") {
    if (first.code !== 0 || !first.report?.ok) problems.push(`uncut life failed: ${describeFailure(first)}`);
    const phase = first.report?.phases.find((p) => p.phase === measuredPhase(scenario));
    measured = phase?.commits ?? [];
    measuredMs = phase?.ms ?? 0;
  } else if (cut.kind === "moment") {
    // A moment past the end of the phase finds the process gone already: a run without a cut, still checked.
    if (first.timedOut) problems.push(`no exit within the time limit: ${describeFailure(first)}`);
  } else if (first.signal !== "SIGKILL" || first.timedOut) {
    problems.push(`the power cut did not happen (exit ${first.code}): ${describeFailure(first)}`);
  }
  if (cut.kind === "in-flight" && !hosted.of(terminalId).some((e) => e.mti === cut.mti))
    problems.push(`the host never saw the ${cut.mti}`);
  // The recovering life waits for answers as long as a real terminal does: a slow machine must not
  // turn a recovery into a second timeout.
  const { responseTimeoutMs: _short, ...patient } = base;
  const second = await runChild(hosted, {
    ...patient,
    scenario: "recover-and-check",
    ...(scenario.settle ? { settleOnRecovery: true } : {}),
  });
  const report = second.report;
  if (second.code !== 0 || second.timedOut || !report?.ok || !report.journal) {
    problems.push(`recovery failed: ${describeFailure(second)}`);
    return { label, problems, measured, measuredMs };
  }
  const snapshot = hosted.host.ledger();
  const evidence: RunEvidence = {
    report,
    ledger: snapshot.transactions.filter((e) => e.terminalId === terminalId),
    exchanges: hosted.of(terminalId),
    charged: charged(before),
    held: heldSince(heldBefore),
  };
  problems.push(
    ...nothingChargedTwice(evidence),
    ...journalAgreesWithHost(evidence),
    ...countersNeverReused(evidence),
    ...slipsComplete(evidence),
  );
  if (scenario.settle) {
    const terminal = snapshot.terminals.find((t) => t.terminalId === terminalId);
    const batch = evidence.ledger.find((e) => e.mti === "0200")?.batch;
    if (!terminal || !batch) problems.push("the host has no sales or no state for this terminal");
    else
      problems.push(
        ...settledOnce(evidence, batch, {
          batch: terminal.batch,
          settled: terminal.settlements.map((s) => ({
            batch: s.batch,
            ...(s.uploadEnd ? { uploadEnd: s.uploadEnd } : {}),
          })),
        }),
      );
  }
  if (process.env.POWER_CUT_TRACE) {
    const rows = report.journal.rows.map(
      (r) => `${r.stan} ${r.type} ${r.status} ${r.settlement} ${r.copiesPrinted}`,
    );
    console.log(
      [
        label,
        ...evidence.exchanges.map((e) => `  host: ${e.line.slice(25)}`),
        ...rows.map((r) => `  row: ${r}`),
      ].join("\n"),
    );
  }
  if (problems.length === 0) rmSync(dir, { recursive: true, force: true });
  return { label, problems: problems.map((p) => `${label}: ${p}`), measured, measuredMs };
}

function describeCut(cut: Cut): string {
  switch (cut.kind) {
    case "commit":
      return `cut after commit ${cut.at}`;
    case "in-flight":
      return `cut with the ${cut.mti} answer in flight`;
    case "moment":
      return `cut ${cut.ms} ms into the phase`;
    default:
      return "no cut";
  }
}

function measuredPhase(scenario: Scenario): string {
  return scenario.child;
}

function describeFailure(outcome: ChildOutcome): string {
  if (outcome.timedOut) return `no exit within the time limit (${outcome.ms} ms)`;
  return (
    outcome.report?.error ??
    `exit ${outcome.code ?? outcome.signal}; ${(outcome.stderr || outcome.stdout).trim().split("\n").slice(-3).join(" | ")}`
  );
}

/** The uncut run counts the scenario's commits; then one run per commit with the cut right after it, and one in flight. */
async function everyPowerCutPoint(name: ScenarioName): Promise<{ problems: string[]; measured: string[] }> {
  const baseline = await runOnce(name, "000000", { kind: "none" });
  if (process.env.POWER_CUT_TRACE) console.log(`${name} commits: ${baseline.measured.join(", ")}`);
  const problems = [...baseline.problems];
  expect(baseline.measured.length, `${name}: the uncut run made no journal commits`).toBeGreaterThan(0);
  for (let at = 1; at <= baseline.measured.length; at++) {
    const run = await runOnce(name, String(at).padStart(6, "0"), { kind: "commit", at });
    problems.push(...run.problems.map((p) => `${p} [${baseline.measured[at - 1]}]`));
  }
  const inFlight = await runOnce(name, "X00001", { kind: "in-flight", mti: SCENARIOS[name].inFlight });
  problems.push(...inFlight.problems);
  points[name] = baseline.measured.length + 1;
  return { problems, measured: baseline.measured };
}

/** Each scenario spawns ~20 terminal lives one after the other (~25 s idle); room for a busy 2-core box. */
const SCENARIO_TIMEOUT_MS = 180_000;
/** Random cut moments per scenario in the random-moment test. */
const RANDOM_MOMENTS = 6;

describe("power cuts: the terminal killed at every journal write, then recovered", () => {
  it(
    "a swipe sale and its slip: nothing lost, nothing charged twice",
    async () => {
      const { problems, measured } = await everyPowerCutPoint("sale");
      expect(measured).toContain("insert");
      expect(measured).toContain("receipt:save");
      expect(problems).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "a sale the host never answers, and its reversal: reversed exactly once",
    async () => {
      const { problems, measured } = await everyPowerCutPoint("reversal");
      expect(measured).toContain("update:reversal");
      expect(measured).toContain("update:status");
      expect(problems).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "a void of a sale: the sale is undone exactly once, or not at all",
    async () => {
      const { problems, measured } = await everyPowerCutPoint("void");
      expect(measured).toContain("insert");
      expect(measured).toContain("update:status");
      expect(problems).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "a refund of part of a sale: refunded exactly once, or not at all",
    async () => {
      const { problems, measured } = await everyPowerCutPoint("refund");
      expect(measured).toContain("insert");
      expect(problems).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "a pre-authorisation and its completion: held once, completed once",
    async () => {
      const { problems, measured } = await everyPowerCutPoint("preauth");
      expect(measured.filter((m) => m === "insert").length).toBe(2);
      expect(problems).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "random moments of a sale and of a settlement (seeded), between the commits",
    async () => {
      const problems: string[] = [];
      let moments = 0;
      for (const name of ["sale", "settlement"] as const) {
        const baseline = await runOnce(name, "M00000", { kind: "none" });
        problems.push(...baseline.problems);
        expect(baseline.measuredMs, `${name}: the uncut run took no time`).toBeGreaterThan(0);
        // Seeded, so a failing moment can be run again.
        const next = seededRandom(name === "sale" ? 0x5eed : 0x7e57);
        for (let i = 1; i <= RANDOM_MOMENTS; i++) {
          const ms = Math.floor(next() * baseline.measuredMs);
          const run = await runOnce(name, `M${String(i).padStart(5, "0")}`, { kind: "moment", ms });
          problems.push(...run.problems);
          moments++;
        }
      }
      points.moments = moments;
      expect(problems).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "a settlement after two sales: the batch closes exactly once, every row settled",
    async () => {
      const { problems, measured } = await everyPowerCutPoint("settlement");
      expect(measured[0]).toBe("settlement:begin");
      expect(measured.at(-1)).toBe("settlement:close");
      expect(problems).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
