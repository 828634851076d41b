import { existsSync } from "node:fs";
import type { Command } from "commander";
import { writeFileAtomic } from "../../../drivers/storage/atomic-file.js";
import {
  Journal,
  type JournalFilter,
  TRANSACTION_STATUSES,
  type TransactionStatus,
} from "../../../firmware/journal/index.js";
import {
  csvText,
  RECONCILIATION_FORMATS,
  RECONCILIATION_KINDS,
  type ReconciliationScope,
  reconciliationFile,
  TRANSACTION_COLUMNS,
  transactionCells,
} from "../../../firmware/reports/index.js";
import { UsageError } from "../cli-error.js";
import { choiceFlag, requireFlag } from "../options.js";
import { guarded, terminalDir } from "./admin.js";

interface ExportOptions {
  dir?: string;
  batch?: string;
  day?: string;
  format?: string;
  kind?: string;
  out?: string;
}

interface QueryOptions {
  dir?: string;
  stan?: string;
  rrn?: string;
  last4?: string;
  status?: string;
  from?: string;
  to?: string;
  format?: string;
}

/** Opens an existing journal (never creates one) for reading; the caller closes it. */
function openJournal(dir: string): { journal: Journal; terminalId: string; merchantId: string } {
  const found = terminalDir(dir);
  if (!existsSync(found.layout.journal)) throw new UsageError(`no journal at ${found.layout.journal}`);
  const journal = Journal.open(found.layout.journal);
  const last = journal.last();
  return {
    journal,
    terminalId: found.terminalId ?? last?.terminalId ?? "",
    merchantId: found.merchantId ?? last?.merchantId ?? "",
  };
}

/** `posctl journal`: reconciliation files and look-ups on a terminal's journal (read-only). */
export function registerJournal(program: Command): void {
  const journal = program
    .command("journal")
    .description("the terminal's journal: reconciliation files, queries");

  journal
    .command("export")
    .description(
      "reconciliation file (对账文件) of a batch or a day, CSV or JSON (docs/reconciliation-files.md)",
    )
    .option("--dir <dir>", "the terminal directory (terminal.json) or its storage directory")
    .option("--batch <batch>", "six-digit batch number")
    .option("--day <day>", "local day YYYY-MM-DD (Beijing time)")
    .option("--format <format>", "csv or json", "csv")
    .option("--kind <kind>", "transactions or settlements", "transactions")
    .option("--out <file>", "write here (0600) instead of stdout")
    .action(
      guarded(async (options: ExportOptions) => {
        const dir = requireFlag(options.dir, "--dir");
        if ((options.batch === undefined) === (options.day === undefined)) {
          throw new UsageError("give exactly one of --batch or --day");
        }
        const scope: ReconciliationScope =
          options.batch !== undefined ? { batch: options.batch } : { day: options.day! };
        const format = choiceFlag(options.format ?? "csv", "--format", RECONCILIATION_FORMATS);
        const kind = choiceFlag(options.kind ?? "transactions", "--kind", RECONCILIATION_KINDS);
        const { journal: source, terminalId, merchantId } = openJournal(dir);
        let text: string;
        try {
          text = reconciliationFile(source, { scope, kind, format, identity: { terminalId, merchantId } });
        } finally {
          source.close();
        }
        if (options.out) writeFileAtomic(options.out, Buffer.from(text, "utf8"), 0o600);
        else process.stdout.write(text);
      }),
    );

  journal
    .command("query")
    .description(
      "find transactions by STAN, RRN, card last 4, status, time (output: the transaction list's columns)",
    )
    .option("--dir <dir>", "the terminal directory (terminal.json) or its storage directory")
    .option("--stan <stan>", "six-digit trace number")
    .option("--rrn <rrn>", "reference number")
    .option("--last4 <digits>", "last four digits of the card")
    .option("--status <status>", `one of ${TRANSACTION_STATUSES.join(", ")}`)
    .option("--from <time>", "created at or after (ISO 8601 or YYYY-MM-DD, UTC)")
    .option("--to <time>", "created at or before (a date covers that whole UTC day)")
    .option("--format <format>", "csv or json", "csv")
    .action(
      guarded(async (options: QueryOptions) => {
        const dir = requireFlag(options.dir, "--dir");
        const format = choiceFlag(options.format ?? "csv", "--format", RECONCILIATION_FORMATS);
        const filter: JournalFilter = {
          ...(options.stan !== undefined ? { stan: options.stan } : {}),
          ...(options.rrn !== undefined ? { rrn: options.rrn } : {}),
          ...(options.last4 !== undefined ? { last4: options.last4 } : {}),
          ...(options.status !== undefined
            ? { status: choiceFlag(options.status, "--status", TRANSACTION_STATUSES) as TransactionStatus }
            : {}),
          ...(options.from !== undefined ? { from: options.from } : {}),
          ...(options.to !== undefined ? { to: options.to } : {}),
        };
        const { journal: source } = openJournal(dir);
        let rows: ReturnType<typeof transactionCells>;
        try {
          rows = transactionCells(source.query(filter));
        } finally {
          source.close();
        }
        process.stdout.write(
          format === "csv"
            ? csvText(
                TRANSACTION_COLUMNS.map((c) => c.name),
                rows,
              )
            : `${JSON.stringify(rows, null, 2)}\n`,
        );
      }),
    );
}
