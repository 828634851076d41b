import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { receiptOptions } from "../../firmware/app/terminal-app.js";
import type { CardInput } from "../../firmware/card-entry/index.js";
import type { TransactionRecord } from "../../firmware/journal/index.js";
import type { TransactionType } from "../../firmware/journal/transaction-record.js";
import { buildSettlementSlip, type ReceiptOptions } from "../../firmware/receipts/index.js";
import type { PaymentResult } from "../../firmware/transactions/payment-flow.js";
import { renderReceiptText } from "../../protocol/escpos/render.js";
import type { LedgerEntry } from "../host-sim/ledger.js";
import { RigTerminal } from "./rig-terminal.js";

export interface DemoTransaction {
  stan: string;
  type: TransactionType;
  entryMode: string;
  amount: number;
  status: string;
  settled: boolean;
  maskedPan?: string;
  rrn?: string;
  responseCode?: string;
}

export interface DemoSummary {
  transactions: DemoTransaction[];
  reversals: { stan: string; reason: string; state: string; attempts: number }[];
  settlement: {
    batch: string;
    nextBatch: string;
    result: "balanced" | "unbalanced";
    totals: unknown;
    hostTotals?: unknown;
    uploaded: number;
  };
  hostLedgerMatches: boolean;
  ledgerMismatches: string[];
  receipts: string[];
  log: string;
  dir: string;
  steps: { step: string; result: string }[];
}

export interface DemoOptions {
  /** Where the run's artefacts go (kept); default a new temp directory (kept, printed in the summary). */
  dir?: string;
  /** Progress lines as the day goes. */
  onStep?: (step: string, result: string) => void;
}

const TIMEOUT_AMOUNT = 6666;

/**
 * A scripted trading day on the rig, without a person: boot and self-test, sign-in, sales by swipe,
 * insert, tap and QR, a void, a refund, a sale the host never answers (timeout → reversal), a slip that
 * runs out of paper and resumes, settlement with its slip, then the journal reconciled with the host's
 * ledger. Everything goes through the same TerminalApp the console drives.
 */
export async function runDemoDay(options: DemoOptions = {}): Promise<DemoSummary> {
  const terminal = await RigTerminal.start({
    ...(options.dir ? { dir: options.dir } : {}),
    settings: (s) => ({
      ...s,
      host: { ...s.host, responseTimeoutMs: 1500 },
      receipts: { ...s.receipts, copies: 2 },
    }),
  });
  const { app, rig, host, scanner } = terminal;
  const steps: DemoSummary["steps"] = [];
  const step = (name: string, result: string) => {
    steps.push({ step: name, result });
    options.onStep?.(name, result);
  };
  const signal = () => AbortSignal.timeout(30_000);
  try {
    const faults = await app.selfTest();
    step(
      "self-test",
      faults.length === 0 ? "all devices ok" : faults.map((f) => `${f.device}: ${f.message}`).join("; "),
    );
    const recovery = await app.recover();
    step(
      "journal recovery",
      `${recovery.reversalsPending} reversals pending, ${recovery.slipsToPrint} slips to print`,
    );
    const { batch } = await app.signIn(signal());
    step(
      "sign-in",
      `batch ${batch}, keys ${app.keys
        .status()
        .map((k) => `${k.slot.toUpperCase()} ${k.kcv}`)
        .join(", ")}`,
    );

    const pay = async (
      name: string,
      type: TransactionType,
      amount: number,
      present: (() => void | Promise<void>) | undefined,
      original?: { stan?: string },
    ): Promise<PaymentResult> => {
      const attempt = async (): Promise<PaymentResult> => {
        let card: CardInput | undefined;
        if (present) {
          const waiting = app.waitForCard(signal());
          await present();
          card = await waiting;
        }
        return app.pay({
          type,
          amount,
          signal: signal(),
          ...(card ? { card } : {}),
          ...(original ? { original } : {}),
        });
      };
      let result = await attempt();
      if (result.retry === "tap") {
        // "Present the card again" (it left the field mid-read): the cardholder taps once more.
        rig.remove();
        result = await attempt();
      }
      if (result.journalId !== undefined && result.status === "approved" && type !== "balance") {
        const printed = await app.printSlip(result.journalId);
        if (!printed.ok) throw new Error(`slip of ${name} not printed: ${printed.en}`);
      }
      rig.remove();
      await app.waitForCardRemoval(signal());
      const record = result.journalId === undefined ? undefined : app.journal.get(result.journalId);
      step(
        name,
        `${result.status} ${result.responseCode ?? ""} ${result.en}${record ? ` (STAN ${record.stan})` : ""}`.replace(
          /\s+/g,
          " ",
        ),
      );
      return result;
    };

    const swipe = await pay("sale, swipe (cup-magstripe)", "sale", 1234, () => rig.swipe("cup-magstripe"));
    const insert = await pay("sale, insert (cup-debit, PBOC online PIN)", "sale", 8800, () =>
      rig.insert("cup-debit"),
    );
    await pay("sale, tap (cup-debit, qPBOC)", "sale", 60_000, () => rig.tap("cup-debit"));
    await pay("sale, tap (cup-credit-scripts, issuer scripts)", "sale", 2500, () =>
      rig.tap("cup-credit-scripts"),
    );
    await pay("sale, insert (mc-credit, foreign card)", "sale", 15_000, () => rig.insert("mc-credit"));
    await pay("sale, QR payment code", "sale", 3900, () => {
      scanner.scan("6225881234567890123");
    });
    const swipeRecord = app.journal.get(swipe.journalId!)!;
    await pay("void of the swiped sale", "void", 0, undefined, { stan: swipeRecord.stan });
    const insertRecord = app.journal.get(insert.journalId!)!;
    await pay("refund of part of the inserted sale", "refund", 2000, () => rig.insert("cup-debit"), {
      stan: insertRecord.stan,
      ...(insertRecord.rrn ? { rrn: insertRecord.rrn } : {}),
    } as { stan: string });
    host.addBehaviour({
      name: "demo timeout",
      match: { mti: "0200", amount: TIMEOUT_AMOUNT },
      noAnswer: true,
      times: 1,
    });
    await pay("sale the host never answers (timeout → reversal 98)", "sale", TIMEOUT_AMOUNT, () =>
      rig.swipe("cup-credit"),
    );

    // Paper runs out before the slip; the spool holds it and prints it whole when paper is back.
    rig.paperOut();
    const paperSale = await app.pay({
      type: "sale",
      amount: 4321,
      signal: signal(),
      card: await (async () => {
        const waiting = app.waitForCard(signal());
        await rig.swipe("cup-magstripe");
        return waiting;
      })(),
    });
    const held = await app.printSlip(paperSale.journalId!);
    const paperRecord = () => app.journal.get(paperSale.journalId!)!;
    const before = paperRecord().copiesPrinted;
    rig.paperIn();
    await app.completeSlip(paperSale.journalId!, signal());
    step(
      "paper out mid-day",
      `STAN ${paperRecord().stan} ${paperSale.status}; slip ${held.ok ? "printed" : `held (${held.en}, ${before} copies out)`}, after paper loaded ${paperRecord().copiesPrinted} copies`,
    );

    const settlement = await app.settle(signal());
    step(
      "settlement",
      `${settlement.result}, batch ${settlement.batch} → ${settlement.nextBatch}, ${settlement.uploaded} uploaded`,
    );

    const slipsDir = terminal.slipsDir;
    mkdirSync(slipsDir, { recursive: true });
    const receipts = readdirSync(slipsDir)
      .filter((name) => name.endsWith(".txt"))
      .sort()
      .map((name) => join(slipsDir, name));
    const settlementSlip = renderReceiptText(
      buildSettlementSlip(
        {
          terminalId: app.settings.terminal.terminalId,
          merchantId: app.settings.terminal.merchantId,
          batch: settlement.batch,
          operator: app.settings.terminal.operator,
          settledAt: new Date(),
          result: settlement.result,
          terminalTotals: settlement.terminalTotals,
          ...(settlement.hostTotals ? { hostTotals: settlement.hostTotals } : {}),
          byType: [],
        },
        slipOptions(terminal),
      ),
    ).join("\n");
    const settlementPath = join(slipsDir, `${settlement.batch}-settlement.txt`);
    writeFileSync(settlementPath, `${settlementSlip}\n`, { mode: 0o600 });
    receipts.push(settlementPath);

    const records = app.journal.query({ batch: settlement.batch });
    const ledger = host.ledger().transactions;
    const mismatches = reconcile(records, ledger);
    return {
      transactions: records
        .filter((r) => r.type !== "balance")
        .map((r) => ({
          stan: r.stan,
          type: r.type,
          entryMode: r.entryMode,
          amount: r.amount,
          status: r.status,
          settled: r.settlement === "settled",
          ...(r.maskedPan ? { maskedPan: r.maskedPan } : {}),
          ...(r.rrn ? { rrn: r.rrn } : {}),
          ...(r.responseCode ? { responseCode: r.responseCode } : {}),
        })),
      reversals: records
        .filter((r) => r.reversal)
        .map((r) => ({
          stan: r.stan,
          reason: r.reversal!.reason,
          state: r.reversal!.state,
          attempts: r.reversal!.attempts,
        })),
      settlement: {
        batch: settlement.batch,
        nextBatch: settlement.nextBatch,
        result: settlement.result,
        totals: settlement.terminalTotals,
        ...(settlement.hostTotals ? { hostTotals: settlement.hostTotals } : {}),
        uploaded: settlement.uploaded,
      },
      hostLedgerMatches: mismatches.length === 0,
      ledgerMismatches: mismatches,
      receipts,
      log: terminal.logPath,
      dir: terminal.dir,
      steps,
    };
  } finally {
    await terminal.stop({ keepDir: true });
  }
}

function slipOptions(terminal: RigTerminal): ReceiptOptions {
  return receiptOptions(terminal.app.settings);
}

/**
 * 对账: every online transaction in the journal has its twin in the host's ledger (same STAN, batch and
 * amount) with the same outcome: approved ⇔ approved and not reversed; reversed ⇔ reversed; declined ⇔ not
 * approved. Offline chip approvals are matched by their advice.
 */
export function reconcile(records: readonly TransactionRecord[], ledger: readonly LedgerEntry[]): string[] {
  const problems: string[] = [];
  for (const r of records) {
    if (r.status === "failed" || r.type === "balance") continue;
    const twin = ledger.find(
      (e) =>
        e.stan === r.stan && e.batch === r.batch && e.terminalId === r.terminalId && /^0[12]/.test(e.mti),
    );
    if (!twin) {
      problems.push(`STAN ${r.stan}: ${r.type} ${r.status} not in the host ledger`);
      continue;
    }
    const hostState = twin.status === "reversed" ? "reversed" : twin.approved ? "approved" : "declined";
    const terminalState = r.status === "voided" ? "approved" : r.status;
    if (hostState !== terminalState || twin.amount !== r.amount) {
      problems.push(
        `STAN ${r.stan}: terminal ${terminalState} ${r.amount}, host ${hostState} ${twin.amount}`,
      );
    }
  }
  return problems;
}
