/**
 * The chart as a graph for @xstate/graph: which events to try in each state (every key, the external
 * events, each invoked service's outcomes as its done/error event, each delayed transition), and how to
 * replay a generated path against a real actor driven by ScriptedServices.
 */
import { getAdjacencyMap } from "@xstate/graph";
import { expect } from "vitest";
import {
  type AnyEventObject,
  type AnyStateMachine,
  createActor,
  SimulatedClock,
  type SnapshotFrom,
} from "xstate";
import { ADMIN_FUNCTIONS } from "../../../firmware/admin/index.js";
import {
  AUTH_REFUSALS,
  createTerminalMachine,
  DEFAULT_APPROVED_DISPLAY_MS,
  DEFAULT_CARD_TIMEOUT_MS,
  KEYS,
  PASSWORD_CHANGE_REFUSALS,
  type StateMeta,
  type TerminalContext,
  type TerminalMachine,
} from "../../../firmware/terminal/index.js";
import { terminalView } from "../../../firmware/ui/index.js";
import { type AsyncService, type ScriptedProfile, ScriptedServices } from "./scripted-services.js";

export type TerminalSnapshot = SnapshotFrom<TerminalMachine>;

const t = (zh: string, en: string) => ({ zh, en });
const failure = (message: string) => ({ error: new Error(message) });

/** Every outcome each service can have, as the chart sees it. */
export const OUTCOMES: Record<string, ({ output: unknown } | { error: Error })[]> = {
  selfTest: [
    { output: { ok: true, faults: [] } },
    { output: { ok: false, faults: [{ device: "printer", message: "paper low", fatal: false }] } },
    { output: { ok: false, faults: [{ device: "pinpad", message: "no answer", fatal: true }] } },
    failure("self-test crashed"),
  ],
  recoverJournal: [
    { output: { reversalsPending: 1, slipsToPrint: 0, settlementResumed: false } },
    failure("journal unreadable"),
  ],
  signIn: [
    { output: { ok: true, batch: "000001" } },
    { output: { ok: false, ...t("签到被拒绝", "Sign-in refused") } },
    failure("host unreachable"),
  ],
  signOut: [
    { output: { ok: true, ...t("签退成功", "Signed out") } },
    { output: { ok: false, ...t("签退被拒绝", "Sign-out refused") } },
    failure("host unreachable"),
  ],
  waitForCard: [{ output: { mode: "insert", handle: "chip-1" } }, failure("reader fault")],
  riskCheck: [
    { output: { kind: "allow" } },
    { output: { kind: "confirm", ...t("大额交易，请确认", "Large amount: confirm") } },
    { output: { kind: "refuse", ...t("超过单笔限额", "Over the per-transaction limit") } },
    failure("limits unavailable"),
  ],
  runTransaction: [
    { output: { journalId: 7, status: "approved", responseCode: "00", ...t("交易成功", "Approved") } },
    { output: { status: "approved", responseCode: "00", ...t("交易成功", "Approved") } },
    {
      output: {
        journalId: 8,
        status: "declined",
        responseCode: "51",
        ...t("余额不足", "Insufficient funds"),
      },
    },
    { output: { journalId: 9, status: "approved", balance: 123456, ...t("查询成功", "Inquiry done") } },
    failure("engine crashed"),
  ],
  printSlip: [
    { output: { ok: true } },
    { output: { ok: false, paperOut: true, ...t("缺纸", "Paper out") } },
    { output: { ok: false, paperOut: false, ...t("打印机过热", "Printer overheated") } },
    failure("printer gone"),
  ],
  settle: [
    { output: { ok: true, result: "balanced", ...t("结算平", "Settlement balanced") } },
    { output: { ok: false, ...t("结算失败", "Settlement failed") } },
    failure("host unreachable"),
  ],
  downloadParameters: [
    { output: { ok: true, ...t("参数下载成功", "Parameters downloaded") } },
    { output: { ok: false, ...t("参数下载失败", "Download failed") } },
    failure("host unreachable"),
  ],
  queryInstantSettlement: [
    { output: { ok: true, enabled: true, ...t("可用余额 ¥19.88", "Balance CNY 19.88") } },
    { output: { ok: true, enabled: false, ...t("本商户未开通实时到账", "D0 not enabled") } },
    { output: { ok: false, ...t("到账查询失败", "D0 query refused") } },
    failure("host unreachable"),
  ],
  printInstantSettlement: [
    { output: { ok: true } },
    { output: { ok: false, paperOut: true, ...t("缺纸", "Paper out") } },
    failure("printer gone"),
  ],
  changePassword: [
    { output: { ok: true, ...t("密码修改成功", "Password changed") } },
    ...Object.entries(PASSWORD_CHANGE_REFUSALS).map(([reason, text]) => ({
      output: { ok: false, reason, ...text },
    })),
    failure("user file unreadable"),
  ],
  authorize: [
    { output: { ok: true, userId: "00" } },
    ...Object.entries(AUTH_REFUSALS).map(([reason, text]) => ({ output: { ok: false, reason, ...text } })),
    failure("user file unreadable"),
  ],
};

/** The functions the chart guards from its menus (the rest of ADMIN_FUNCTIONS have no menu key yet). */
export const GUARDED_FUNCTIONS = ADMIN_FUNCTIONS.filter(
  (fn) => !["backup-restore", "factory-reset", "password-admin"].includes(fn),
);

export const PROFILES: Record<string, ScriptedProfile> = {
  /** Everything enabled, a journal with STAN 000001. */
  full: {
    features: { void: true, refund: true, preauth: true, balance: true, tips: true, qr: true },
    lastJournalId: 7,
    journal: { "000001": 7 },
  },
  /** Only voids, an empty journal: the "not enabled" and "not found" screens. */
  bare: {
    features: { void: true, refund: false, preauth: false, balance: false, tips: false, qr: false },
    lastJournalId: undefined,
    journal: {},
  },
  /** As full, but every function with a menu key needs a user number and password first. */
  guarded: {
    features: { void: true, refund: true, preauth: true, balance: true, tips: true, qr: true },
    lastJournalId: 7,
    journal: { "000001": 7 },
    restricted: GUARDED_FUNCTIONS,
  },
};

export const DELAYS = { cardTimeout: DEFAULT_CARD_TIMEOUT_MS, approvedDisplay: DEFAULT_APPROVED_DISPLAY_MS };

/**
 * Digit entry is where the state space is unbounded; in entry states the graph types only "1", and only
 * up to the length that makes the field valid (the STAN once more, to reach "not in the journal").
 */
const DIGITS_WHILE: Record<string, (context: TerminalContext) => boolean> = {
  idle: () => true,
  amountEntry: (c) => c.amountDigits.length < 1,
  tipEntry: (c) => c.tipDigits.length < 1,
  originalStan: (c) => c.entry.length < 2,
  originalRrn: (c) => c.entry.length < 12,
  originalAuthCode: (c) => c.entry.length < 6,
  originalDate: (c) => c.entry.length < 4,
  reprintStan: (c) => c.entry.length < 2,
  authUser: (c) => c.entry.length < 2,
  authPassword: (c) => c.passwordLength < 6,
  passwordUser: (c) => c.entry.length < 2,
  passwordCurrent: (c) => c.passwordLength < 6,
  passwordNew: (c) => c.passwordLength < 6,
  passwordRepeat: (c) => c.passwordLength < 6,
};

export function stateNodeOf(machine: TerminalMachine, name: string) {
  const node = machine.root.states[name];
  if (!node) throw new Error(`no state ${name}`);
  return node;
}

export function graphEvents(machine: TerminalMachine) {
  return (snapshot: TerminalSnapshot): AnyEventObject[] => {
    const name = String(snapshot.value);
    const node = stateNodeOf(machine, name);
    const events: AnyEventObject[] = [];
    const digitsWhile = DIGITS_WHILE[name];
    for (const key of KEYS) {
      const digit = key.length === 1;
      if (digit && digitsWhile && (key !== "1" || !digitsWhile(snapshot.context))) continue;
      events.push({ type: "KEY", key });
    }
    events.push(
      { type: "CARD_PRESENTED", card: { mode: "tap", handle: "ctls-1" } },
      { type: "TAMPER" },
      { type: "REKEYED" },
      { type: "PAPER_LOADED" },
    );
    for (const invoke of node.invoke) {
      for (const outcome of OUTCOMES[String(invoke.src)] ?? []) {
        events.push(
          "output" in outcome
            ? { type: `xstate.done.actor.${invoke.id}`, output: outcome.output }
            : { type: `xstate.error.actor.${invoke.id}`, error: outcome.error },
        );
      }
    }
    for (const delayed of node.after) events.push({ type: delayed.eventType });
    return events;
  };
}

/**
 * The part of a snapshot that decides what the chart can do next: the state and the context fields its
 * guards read. Messages, faults, the batch and journal ids only flow through to screens and services, so
 * states differing only there are one vertex of the graph (this keeps the walk to a few thousand steps).
 */
export function serializeBehaviour(snapshot: TerminalSnapshot): string {
  const c = snapshot.context;
  return JSON.stringify({
    state: snapshot.value,
    type: c.type,
    amount: c.amountDigits,
    tip: c.tipDigits,
    entry: c.entry,
    original: c.original,
    card: c.card !== undefined,
    signedIn: c.signedIn,
    outcome: c.outcome && [
      c.outcome.status,
      c.outcome.journalId !== undefined,
      c.outcome.balance !== undefined,
    ],
    reprint: c.printJob?.reprint,
    auth: c.auth,
    password: c.passwordLength,
  });
}

export interface GraphEdge {
  event: AnyEventObject;
  state: TerminalSnapshot;
}

/** Every vertex of the chart's graph with its outgoing edges (one per event tried). */
export function adjacencyList(machine: TerminalMachine): { state: TerminalSnapshot; edges: GraphEdge[] }[] {
  // The graph also sends the invoked services' done/error events and the delay events, which the
  // machine's public event type leaves out: traverse it as an untyped machine.
  const adjacency = getAdjacencyMap(machine as AnyStateMachine, {
    events: graphEvents(machine),
    serializeState: serializeBehaviour,
  });
  return Object.values(adjacency).map((value) => {
    const { state, transitions } = value as {
      state: TerminalSnapshot;
      transitions: Record<string, GraphEdge>;
    };
    return { state, edges: Object.values(transitions) };
  });
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Asserts the screen a snapshot shows is its state's meta screen with every placeholder filled. */
export function expectScreenOf(snapshot: TerminalSnapshot): void {
  const name = String(snapshot.value);
  const meta = snapshot.getMeta()[`terminal.${name}` as keyof ReturnType<TerminalSnapshot["getMeta"]>] as
    | StateMeta
    | undefined;
  expect(meta, `meta of ${name}`).toBeDefined();
  const view = terminalView(snapshot);
  expect(view.state).toBe(name);
  expect(view.title).toEqual(meta?.screen.title);
  expect(view.lines).toHaveLength(meta?.screen.lines.length ?? -1);
  for (const line of [view.title, ...view.lines]) {
    expect(line.zh).not.toMatch(/\{\w+\}/);
    expect(line.en).not.toMatch(/\{\w+\}/);
  }
  if (name === "authPassword") {
    // One asterisk per digit typed, and no digit anywhere on the screen but the user number.
    const stars = `${"*".repeat(snapshot.context.passwordLength)}_`;
    expect(view.lines[3]).toEqual({ zh: stars, en: stars });
    const shown = [view.title, ...view.lines.filter((_, i) => i !== 1)].flatMap((l) => [l.zh, l.en]);
    for (const text of shown) expect(text).not.toMatch(/\d/);
  }
}

/**
 * Replays one generated path on a real actor: service outcomes are delivered by settling the scripted
 * services' promises, delays by a simulated clock, everything else is sent. After every step the actor must
 * be in the path's state with the same behaviour-relevant context, showing that state's screen.
 */
export async function walkPath(
  profile: ScriptedProfile,
  steps: { event: AnyEventObject; state: TerminalSnapshot }[],
): Promise<void> {
  const services = new ScriptedServices(profile);
  for (const { event } of steps) {
    if (event.type === "xstate.done.actor.riskCheck") services.riskAnswers.push(event.output);
    if (event.type === "xstate.error.actor.riskCheck") services.riskAnswers.push(event.error as Error);
  }
  const clock = new SimulatedClock();
  const actor = createActor(createTerminalMachine(services), { clock }).start();
  try {
    for (const [index, { event, state }] of steps.entries()) {
      const [, kind, , id] = event.type.split(".");
      if (event.type === "xstate.init") {
        // the actor started in its initial state
      } else if (kind === "done" || kind === "error") {
        // The risk check is synchronous: its answer was queued before the walk.
        if (id !== "riskCheck") {
          if (kind === "done") services.resolve(id as AsyncService, event.output);
          else services.reject(id as AsyncService, event.error);
        }
        await flush();
        if (id === "changePassword") {
          // The chart zeroed all three passwords it handed over, whatever the outcome.
          for (const password of services.changes.at(-1) ?? []) {
            expect(password.every((byte) => byte === 0)).toBe(true);
          }
        }
        if (id === "authorize") {
          // The chart zeroed the password it handed over, whatever the outcome.
          const password = services.passwords.at(-1);
          expect(password?.length, "password length").toBe(6);
          expect(password?.every((byte) => byte === 0)).toBe(true);
        }
      } else if (kind === "after") {
        clock.increment(DELAYS[event.type.split(".")[2] as keyof typeof DELAYS]);
      } else {
        actor.send(event as Parameters<typeof actor.send>[0]);
      }
      const snapshot = actor.getSnapshot();
      const where = `step ${index} (${event.type}${event.key ? ` ${event.key}` : ""})`;
      expect(snapshot.value, where).toBe(state.value);
      expect(serializeBehaviour(snapshot), where).toBe(serializeBehaviour(state));
      expectScreenOf(snapshot);
    }
  } finally {
    actor.stop();
  }
}
