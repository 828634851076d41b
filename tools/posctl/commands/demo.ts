import type { Writable } from "node:stream";
import type { Command } from "commander";
import { formatAmount } from "../../../firmware/receipts/index.js";
import { type DemoSummary, runDemoDay } from "../../terminal/demo-day.js";
import { action } from "../cli-error.js";

interface DemoOptions {
  json?: boolean;
  dir?: string;
}

function printSummary(summary: DemoSummary, out: Writable): void {
  out.write("\nTransactions\n");
  out.write("  STAN    type                        entry     amount      status    settled\n");
  for (const t of summary.transactions) {
    out.write(
      `  ${t.stan}  ${t.type.padEnd(26)}  ${t.entryMode.padEnd(8)}  ${formatAmount(t.amount).padStart(10)}  ${t.status.padEnd(8)}  ${t.settled ? "yes" : "no"}\n`,
    );
  }
  out.write("\nReversals\n");
  for (const r of summary.reversals)
    out.write(`  STAN ${r.stan}  reason ${r.reason}  ${r.state} after ${r.attempts} attempt(s)\n`);
  if (summary.reversals.length === 0) out.write("  none\n");
  const s = summary.settlement;
  out.write(
    `\nSettlement: batch ${s.batch} ${s.result} (${s.uploaded} uploaded), next batch ${s.nextBatch}\n`,
  );
  out.write(`Host ledger ${summary.hostLedgerMatches ? "matches" : "DOES NOT match"} the journal\n`);
  for (const m of summary.ledgerMismatches) out.write(`  ${m}\n`);
  out.write(`\nSlips: ${summary.receipts.length} in ${summary.dir}/slips\nLog: ${summary.log}\n`);
}

/** `posctl demo`: a whole trading day on the rig against the host simulator, without a person. */
export function registerDemo(program: Command, io: { stdout: Writable } = { stdout: process.stdout }): void {
  program
    .command("demo")
    .description("run a scripted trading day on the rig against the host simulator and print a summary")
    .option(
      "--json",
      "print one JSON object (transactions, reversals, settlement, hostLedgerMatches, receipts, log)",
    )
    .option("--dir <dir>", "where the config, journal, slips and log go (default: a new temp directory)")
    .action(
      action(async (options: DemoOptions) => {
        const out = io.stdout;
        const summary = await runDemoDay({
          ...(options.dir ? { dir: options.dir } : {}),
          ...(options.json ? {} : { onStep: (step, result) => out.write(`• ${step}: ${result}\n`) }),
        });
        if (options.json) out.write(`${JSON.stringify(summary)}\n`);
        else printSummary(summary, out);
        if (!summary.hostLedgerMatches || summary.settlement.result !== "balanced") process.exitCode = 1;
      }),
    );
}
