import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CardInput } from "../../../../firmware/card-entry/index.js";
import type { TransactionRecord } from "../../../../firmware/journal/index.js";
import type { TransactionType } from "../../../../firmware/journal/transaction-record.js";
import type { PaymentRequest, PaymentResult } from "../../../../firmware/transactions/payment-flow.js";
import { cupSpec } from "../../../../protocol/iso8583/cup/spec.js";
import { unpack } from "../../../../protocol/iso8583/message.js";
import { type Field60, parseField60 } from "../../../../protocol/iso8583/subfields/field60.js";
import type { LedgerEntry } from "../../../../tools/host-sim/ledger.js";
import { RigTerminal, type RigTerminalOptions } from "../../../../tools/terminal/rig-terminal.js";

/** The clear PANs of the rig's cards (public test data): what must never be found in the journal's bytes. */
export const PAN = {
  "cup-magstripe": "6222021000000000014",
  "cup-credit": "6228480000000000025",
  "cup-debit": "6217000000000000033",
  "cup-credit-scripts": "6258070000000000045",
  "cup-declined": "6222021000000000069",
} as const;

/** A UnionPay payment code (19 digits starting 62) as the consumer's app shows it. */
export const QR_CODE = "6225881234567890123";

export const signal = (ms = 20_000): AbortSignal => AbortSignal.timeout(ms);

/** A request as it left the terminal (MTI, fields), captured at the acquirer link. */
export interface WireRequest {
  mti: string;
  fields: Record<number, string>;
}

/** Booted, self-tested, recovered and signed in; `wire` records every request the terminal sends. */
export interface Day {
  t: RigTerminal;
  wire: WireRequest[];
}

/** Settings every test starts from: a short response timeout keeps timeout paths quick. */
export function quick(options: RigTerminalOptions = {}, responseTimeoutMs = 1500): RigTerminalOptions {
  const extra = options.settings;
  return {
    ...options,
    settings: (s) => {
      const base = {
        ...s,
        host: {
          ...s.host,
          responseTimeoutMs,
          connectTimeoutMs: 1000,
          backoff: { initialMs: 20, maxMs: 100 },
        },
      };
      return extra ? extra(base) : base;
    },
  };
}

export async function startDay(options: RigTerminalOptions = {}, signIn = true): Promise<Day> {
  const t = await RigTerminal.start(options);
  const wire = captureRequests(t);
  const faults = await t.app.selfTest();
  if (faults.some((f) => f.fatal)) throw new Error(`self-test: ${JSON.stringify(faults)}`);
  await t.app.recover();
  if (signIn) await t.app.signIn(signal());
  return { t, wire };
}

/** Wraps the link so each request body is unpacked and kept (the host sees the same bytes). */
export function captureRequests(t: RigTerminal): WireRequest[] {
  const link = t.app.link;
  const send = link.exchange.bind(link);
  const seen: WireRequest[] = [];
  link.exchange = (body, expect, abort) => {
    const message = unpack(cupSpec, body);
    seen.push({ mti: message.mti, fields: { ...message.fields } });
    return send(body, expect, abort);
  };
  return seen;
}

export function field60(request: WireRequest): Field60 {
  return parseField60(request.fields[60]!);
}

/** The request with this MTI and STAN (the last one when resent). */
export function requestOf(wire: readonly WireRequest[], mti: string, stan: string): WireRequest | undefined {
  return wire.filter((r) => r.mti === mti && r.fields[11] === stan).at(-1);
}

export type Presenter = (t: RigTerminal) => void | Promise<void>;
export const swipe =
  (card: string): Presenter =>
  (t) =>
    t.rig.swipe(card);
export const insert =
  (card: string): Presenter =>
  (t) =>
    t.rig.insert(card);
export const tap =
  (card: string): Presenter =>
  (t) =>
    t.rig.tap(card);
export const scan =
  (code = QR_CODE): Presenter =>
  (t) => {
    t.scanner.scan(code);
  };

/** Waits for the card BEFORE the rig moves it (as the terminal does), then returns what was read. */
export async function present(t: RigTerminal, how: Presenter): Promise<CardInput> {
  const waiting = t.app.waitForCard(signal());
  await how(t);
  return waiting;
}

export interface PayOptions {
  type?: TransactionType;
  amount?: number;
  card?: Presenter;
  original?: PaymentRequest["original"];
}

/**
 * One transaction: card presented, pay, card taken away again. A contactless read the kernel asks to
 * repeat ("present the card again": the card left the field too soon, which a loaded machine can cause)
 * is tapped once more, as a cardholder would.
 */
export async function pay(t: RigTerminal, options: PayOptions): Promise<PaymentResult> {
  const attempt = async (): Promise<PaymentResult> => {
    const card = options.card ? await present(t, options.card) : undefined;
    try {
      return await t.app.pay({
        type: options.type ?? "sale",
        amount: options.amount ?? 0,
        signal: signal(),
        ...(card ? { card } : {}),
        ...(options.original ? { original: options.original } : {}),
      });
    } finally {
      await removeCard(t);
    }
  };
  const first = await attempt();
  return first.retry === "tap" ? attempt() : first;
}

export async function removeCard(t: RigTerminal): Promise<void> {
  t.rig.remove();
  await t.app.waitForCardRemoval(signal());
}

export function row(t: RigTerminal, result: PaymentResult): TransactionRecord {
  if (result.journalId === undefined) throw new Error(`no journal row: ${result.status} ${result.en}`);
  const record = t.app.journal.get(result.journalId);
  if (!record) throw new Error(`journal row ${result.journalId} missing`);
  return record;
}

/** The host ledger: every entry it booked, requests and reversals (0400) alike. */
export function ledger(t: RigTerminal): LedgerEntry[] {
  return t.host.ledger().transactions;
}

/** The host's entry for a journal row: same STAN and batch, a financial request MTI. */
export function twin(t: RigTerminal, record: TransactionRecord): LedgerEntry | undefined {
  return ledger(t).find(
    (e) => e.stan === record.stan && e.batch === record.batch && /^0[12][02]0$/.test(e.mti),
  );
}

/** Every byte the journal keeps on disk (database, WAL, shared memory). */
export function journalBytes(t: RigTerminal): Buffer {
  const dir = join(t.dir, "data");
  const files = readdirSync(dir).filter((f) => f.startsWith("journal.db"));
  return Buffer.concat(files.map((f) => readFileSync(join(dir, f))));
}

/** Polls until `check` holds (a host-side effect that lands asynchronously). */
export async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
