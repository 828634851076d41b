import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvField, JOURNAL_CSV_COLUMNS } from "../../../firmware/journal/index.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { openJournal, pendingSale } from "./journal-fixtures.js";

const tempDir = useTempDirs();

/** A strict RFC 4180 reader (CRLF records, quoted fields with doubled quotes) to check what we write. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i += 1;
      } else {
        field += c;
        i += 1;
      }
    } else if (c === '"' && field === "") {
      quoted = true;
      i += 1;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i += 1;
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 2;
    } else {
      if (c === '"' || c === "\r" || c === "\n") throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
      field += c;
      i += 1;
    }
  }
  if (field !== "" || row.length) throw new Error("unterminated last record");
  return rows;
}

const CLEAR_PAN = "6222021234561234";
const PAN_CIPHER = Buffer.from("8F3A11C0D2E4B5A6", "hex");

describe("Journal exports", () => {
  it("writes CSV: the documented header, one row per transaction, RFC 4180 quoting, CRLF", () => {
    const { journal } = openJournal(tempDir());
    journal.insert(
      pendingSale({ status: "approved", operator: 'Li, "Wei"', orderId: "line1\nline2", rrn: "R1" }),
    );
    journal.insert(
      pendingSale({
        stan: "000002",
        type: "void",
        operator: "王芳",
        original: { stan: "000001", batch: "000001", rrn: "R1" },
        reversal: { state: "pending", reason: "A0", attempts: 0 },
      }),
    );
    const csv = journal.exportCsv();
    expect(csv.endsWith("\r\n")).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...JOURNAL_CSV_COLUMNS]);
    expect(rows).toHaveLength(3);
    const col = (row: string[], name: string) => row[JOURNAL_CSV_COLUMNS.indexOf(name)];
    expect(col(rows[1]!, "operator")).toBe('Li, "Wei"');
    expect(col(rows[1]!, "orderId")).toBe("line1\nline2");
    expect(col(rows[1]!, "amount")).toBe("12345");
    expect(col(rows[1]!, "domestic")).toBe("true");
    expect(col(rows[1]!, "maskedPan")).toBe("622202******1234");
    expect(col(rows[1]!, "originalStan")).toBe("");
    expect(col(rows[2]!, "operator")).toBe("王芳");
    expect(col(rows[2]!, "originalRrn")).toBe("R1");
    expect(col(rows[2]!, "reversalReason")).toBe("A0");
    expect(journal.exportCsv({ type: "void" }).split("\r\n")).toHaveLength(3);
    expect(journal.exportCsv({ stan: "000009" })).toBe(`${JOURNAL_CSV_COLUMNS.join(",")}\r\n`);
    journal.close();
  });

  it("quotes any field so a strict reader gets it back (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", maxLength: 8 }), { minLength: 1, maxLength: 6 }),
        (fields) => {
          expect(parseCsv(`${fields.map(csvField).join(",")}\r\n`)).toEqual([fields]);
        },
      ),
      { seed: 4180, numRuns: 300 },
    );
  });

  it("never exports panCipher, its KCV or a clear PAN, in CSV or JSON", () => {
    const { journal } = openJournal(tempDir());
    const row = journal.insert(pendingSale({ panCipher: PAN_CIPHER, emv: { aid: "A000000333010101" } }));
    expect(() => journal.insert(pendingSale({ maskedPan: CLEAR_PAN }))).toThrow(/clear PAN/);
    for (const text of [journal.exportCsv(), journal.exportJson()]) {
      expect(text).not.toContain(CLEAR_PAN);
      expect(text).not.toContain("panCipher");
      expect(text.toUpperCase()).not.toContain(PAN_CIPHER.toString("hex").toUpperCase());
      expect(text).not.toContain(PAN_CIPHER.toString("base64"));
      expect(text).toContain("622202******1234");
    }
    expect(journal.exportCsv()).not.toContain("A1B2C3");
    const json = JSON.parse(journal.exportJson()) as Record<string, unknown>[];
    const { panCipher: _cipher, ...withoutCipher } = row;
    expect(json).toEqual([JSON.parse(JSON.stringify(withoutCipher))]);
    expect(journal.exportRecords()).toStrictEqual([withoutCipher]);
    journal.close();
  });

  it("filters JSON exports like queries", () => {
    const { journal } = openJournal(tempDir());
    journal.insert(pendingSale({ amount: 100 }));
    journal.insert(pendingSale({ amount: 200 }));
    expect(
      (JSON.parse(journal.exportJson({ minAmount: 150 })) as { amount: number }[]).map((r) => r.amount),
    ).toEqual([200]);
    expect(JSON.parse(journal.exportJson({ stan: "000009" }))).toEqual([]);
    journal.close();
  });
});
