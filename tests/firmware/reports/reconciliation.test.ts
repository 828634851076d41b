import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildReconciliationReport,
  type ReconciliationOptions,
  ReportError,
  reconciliationFile,
  reportText,
  SETTLEMENT_COLUMNS,
  TRANSACTION_COLUMNS,
} from "../../../firmware/reports/index.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { openJournal, pendingSale } from "../journal/journal-fixtures.js";
import { CLEAR_PANS, fillJournal } from "./report-fixtures.js";

const tempDir = useTempDirs();
const DOC = readFileSync(join(import.meta.dirname, "../../../docs/reconciliation-files.md"), "utf8");
const IDENTITY = { terminalId: "12345678", merchantId: "123456789012345" };

/** The documented columns of one section: name → type, in table order. */
function documented(heading: string): [string, string][] {
  const start = DOC.indexOf(`## ${heading}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = DOC.indexOf("\n## ", start + 3);
  const section = DOC.slice(start, next < 0 ? undefined : next);
  // Cells may be padded (the formatter aligns the tables).
  return [...section.matchAll(/^\| `([A-Za-z0-9]+)` +\| ([a-z-]+) +\|/gm)].map((m) => [m[1]!, m[2]!]);
}

/** RFC 4180 parse (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  expect(field).toBe("");
  return rows;
}

const CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  digits: (v) => typeof v === "string" && /^\d+$/.test(v),
  integer: (v) => typeof v === "number" && Number.isSafeInteger(v),
  yuan: (v) => typeof v === "string" && /^-?\d+\.\d{2}$/.test(v),
  boolean: (v) => typeof v === "boolean",
  timestamp: (v) => typeof v === "string" && new Date(v).toISOString() === v,
  "local-time": (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v),
};

function filled() {
  const opened = openJournal(tempDir());
  fillJournal(opened.journal, opened.clock);
  const file = (options: Partial<ReconciliationOptions>) =>
    reconciliationFile(opened.journal, {
      scope: { batch: "000001" },
      kind: "transactions",
      format: "csv",
      identity: IDENTITY,
      generatedAt: new Date("2025-03-03T00:00:00Z"),
      ...options,
    });
  return { ...opened, file };
}

describe("reconciliation files", () => {
  it("documents exactly the columns the code writes, in order", () => {
    expect(documented("Transaction list").map(([n]) => n)).toEqual(TRANSACTION_COLUMNS.map((c) => c.name));
    expect(documented("Settlement list").map(([n]) => n)).toEqual(SETTLEMENT_COLUMNS.map((c) => c.name));
    for (const [, type] of [...documented("Transaction list"), ...documented("Settlement list")]) {
      expect(Object.keys(CHECKS)).toContain(type);
    }
  });

  for (const [kind, heading] of [
    ["transactions", "Transaction list"],
    ["settlements", "Settlement list"],
  ] as const) {
    it(`writes the ${kind} CSV with the documented header and typed values`, () => {
      const { file, journal } = filled();
      for (const scope of [{ batch: "000001" }, { batch: "000002" }, { day: "2025-03-02" }]) {
        const rows = parseCsv(file({ kind, scope }));
        const columns = documented(heading);
        expect(rows[0]).toEqual(columns.map(([n]) => n));
        expect(rows.length).toBeGreaterThan(1);
        for (const row of rows.slice(1)) {
          expect(row).toHaveLength(columns.length);
          row.forEach((value, i) => {
            const type = columns[i]![1];
            if (value === "") return;
            const typed = type === "integer" ? Number(value) : type === "boolean" ? value === "true" : value;
            expect(CHECKS[type]!(typed), `${columns[i]![0]}=${value}`).toBe(true);
          });
        }
      }
      journal.close();
    });

    it(`writes the ${kind} JSON with exactly the documented keys and types`, () => {
      const { file, journal } = filled();
      const json = JSON.parse(file({ kind, format: "json", scope: { day: "2025-03-01" } }));
      expect(json).toMatchObject({
        schema: `pos.reconciliation.${kind}`,
        version: 1,
        ...IDENTITY,
        scope: { day: "2025-03-01", utcOffsetMinutes: 480 },
        generatedAt: "2025-03-03T00:00:00.000Z",
      });
      const columns = documented(heading);
      expect(json.columns).toEqual(columns.map(([n]) => n));
      for (const row of json.rows) {
        expect(Object.keys(row)).toEqual(columns.map(([n]) => n));
        for (const [name, type] of columns) {
          if (row[name] !== null) expect(CHECKS[type]!(row[name]), `${name}=${row[name]}`).toBe(true);
        }
        for (const [name, type] of columns) {
          if (type === "yuan" && row[name] !== null) {
            const fen = row[name.replace(/Yuan$/, "Fen")];
            expect(Math.round(Number(row[name]) * 100)).toBe(fen);
          }
        }
      }
      expect(json.totals.netFen).toBe(
        json.rows.reduce((s: number, r: { netFen: number }) => s + r.netFen, 0),
      );
      journal.close();
    });
  }

  it("marks each transaction 待结算 or 已结算 and nets voids and refunds", () => {
    const { file, journal } = filled();
    const batch1 = JSON.parse(file({ format: "json" }));
    expect(batch1.rows.map((r: { settlementStatus: string }) => r.settlementStatus)).toEqual(
      Array(batch1.rows.length).fill("已结算"),
    );
    expect(
      batch1.rows.map((r: { typeName: string; status: string; netFen: number }) => [
        r.typeName,
        r.status,
        r.netFen,
      ]),
    ).toEqual([
      ["消费", "approved", 10_000],
      ["消费", "voided", 0],
      ["消费撤销", "approved", 0],
      ["退货", "approved", -1_000],
      ["消费", "declined", 0],
    ]);
    expect(batch1.totals).toEqual({ count: 5, netFen: 9_000, netYuan: "90.00" });
    const batch2 = JSON.parse(file({ format: "json", scope: { batch: "000002" } }));
    expect(new Set(batch2.rows.map((r: { settlementStatus: string }) => r.settlementStatus))).toEqual(
      new Set(["待结算"]),
    );
    expect(batch2.rows[1]).toMatchObject({
      entryMode: "qr",
      maskedPan: null,
      orderId: "QR20250302-1",
      amountYuan: "39.00",
    });
    journal.close();
  });

  it("lists settlements: the closed run 已结算, the open batch 待结算 with its totals so far", () => {
    const { file, journal } = filled();
    const settled = JSON.parse(file({ kind: "settlements", format: "json" })).rows;
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({
      batch: "000001",
      settlementStatus: "已结算",
      stage: "closed",
      result: "balanced",
      responseCode: "00",
      transactionCount: 5,
      // The 0500's totals as the journal counts them (the voided sale and its void both appear).
      domesticDebitFen: 12_550,
      domesticCreditFen: 3_550,
      netFen: 9_000,
      netYuan: "90.00",
    });
    expect(settled[0].domesticDebitFen).toBe(journal.settlementHistory()[0]!.totals.domestic.debitAmount);
    const open = JSON.parse(file({ kind: "settlements", format: "json", scope: { batch: "000002" } })).rows;
    expect(open).toEqual([
      expect.objectContaining({
        batch: "000002",
        settlementStatus: "待结算",
        stage: null,
        transactionCount: 3,
      }),
    ]);
    expect(open[0].domesticDebitFen).toBe(journal.totals("000002").domestic.debitAmount);
    journal.close();
  });

  it("cuts days at local (Beijing) midnight", () => {
    const { file, journal, clock } = filled();
    // 2025-03-02T17:00Z is 2025-03-03 01:00 in Beijing.
    clock.set("2025-03-02T17:00:00.000Z");
    journal.insert(pendingSale({ stan: journal.nextStan(), batch: journal.batch() }));
    const day = (d: string) => parseCsv(file({ scope: { day: d } })).length - 1;
    expect(day("2025-03-01")).toBe(5);
    expect(day("2025-03-02")).toBe(3);
    expect(day("2025-03-03")).toBe(1);
    expect(day("2025-03-04")).toBe(0);
    journal.close();
  });

  it("never writes a clear PAN or the enciphered one", () => {
    const { file, journal } = filled();
    for (const kind of ["transactions", "settlements"] as const) {
      for (const format of ["csv", "json"] as const) {
        for (const scope of [
          { batch: "000001" },
          { batch: "000002" },
          { day: "2025-03-01" },
          { day: "2025-03-02" },
        ]) {
          const text = file({ kind, format, scope });
          for (const pan of CLEAR_PANS) expect(text).not.toContain(pan);
          // The only long digit run is the merchant number.
          for (const run of text.match(/\d{13,19}/g) ?? []) expect(run).toBe(IDENTITY.merchantId);
          expect(text).not.toMatch(/8F3A11C0D2E4B5A6/i);
        }
      }
    }
    expect(file({})).toContain("622202******1234");
    journal.close();
  });

  it("refuses a bad scope, kind or format by name", () => {
    const { file, journal } = filled();
    expect(() => file({ scope: { batch: "1" } })).toThrow(ReportError);
    expect(() => file({ scope: { batch: "000000" } })).toThrow(/report batch/);
    expect(() => file({ scope: { day: "2025-02-30" } })).toThrow(/report day/);
    expect(() => file({ format: "xml" as never })).toThrow(/report format/);
    expect(() => file({ kind: "refunds" as never })).toThrow(/report kind/);
    journal.close();
  });

  it("prints the 对账单 as the detail report of the batch", () => {
    const { journal } = filled();
    const text = reportText(
      buildReconciliationReport(
        journal,
        { batch: "000001" },
        { merchantName: "测试商户", columns: 32, copies: 2 },
      ),
    );
    expect(text).toContain("对账单");
    expect(text).toContain("批次000001");
    expect(text).toContain("*1234");
    expect(text).toContain("RMB 90.00");
    for (const pan of CLEAR_PANS) expect(text).not.toContain(pan);
    journal.close();
  });
});
