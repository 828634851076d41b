/**
 * The power-cut checks must fail when the thing they guard breaks: each invariant against a clean run and
 * against the same run with one fault planted (a double charge, a lost approval, a reused STAN, a slip
 * short of a copy, a batch closed twice).
 */
import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../../tools/host-sim/ledger.js";
import type { PowerCutReport } from "../../../tools/terminal/power-cut-child.js";
import {
  countersNeverReused,
  type HostSettlements,
  journalAgreesWithHost,
  nothingChargedTwice,
  type RunEvidence,
  settledOnce,
  slipsComplete,
} from "./invariants.js";
import type { HostExchange } from "./power-cut-harness.js";

type Row = PowerCutReport["journal"]["rows"][number];

function row(stan: string, patch: Partial<Row> = {}): Row {
  return {
    id: Number(stan),
    stan,
    batch: "000001",
    type: "sale",
    entryMode: "swipe",
    amount: 1234,
    tip: 0,
    currency: "156",
    terminalId: "PS000001",
    merchantId: "898310048990001",
    operator: "01 ",
    cardKind: "debit",
    domestic: true,
    status: "approved",
    settlement: "unsettled",
    advice: "none",
    uploaded: false,
    copiesPrinted: 2,
    signatureRequired: false,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    receipts: ["merchant", "cardholder"],
    ...patch,
  } as Row;
}

function sale(stan: string, patch: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    seq: Number(stan),
    time: "2026-01-01T00:00:00.000Z",
    terminalId: "PS000001",
    merchantId: "898310048990001",
    batch: "000001",
    stan,
    mti: "0200",
    transaction: "sale",
    amount: 1234,
    pan: "622202*********0014",
    scheme: "CUP",
    domestic: true,
    responseCode: "00",
    approved: true,
    rrn: "000000000001",
    authCode: "123456",
    status: "approved",
    refunded: 0,
    originalSeq: undefined,
    ...patch,
  };
}

function reversal(stan: string, note: string): LedgerEntry {
  return sale(stan, { mti: "0400", transaction: "reversal", note: `reason 98; ${note}` });
}

function exchange(mti: string, stan: string): HostExchange {
  return {
    mti,
    responseMti: "",
    transaction: "",
    terminalId: "PS000001",
    stan,
    batch: "000001",
    responseCode: "00",
    line: "",
  };
}

function evidence(rows: Row[], ledger: LedgerEntry[], patch: Partial<RunEvidence> = {}): RunEvidence {
  return {
    report: {
      ok: true,
      scenario: "recover-and-check",
      phases: [],
      result: {},
      journal: {
        rows,
        pendingReversals: [],
        unprinted: [],
        copies: 2,
        batch: "000001",
        nextStan: "000004",
        settlements: [],
      },
    },
    ledger,
    exchanges: [exchange("0800", "000001"), exchange("0200", "000002"), exchange("0800", "000003")],
    charged: ledger
      .filter((e) => e.mti === "0200" && e.approved && e.status !== "reversed")
      .reduce((s, e) => s + e.amount, 0),
    ...patch,
  };
}

const clean = () => evidence([row("000002")], [sale("000002")]);

describe("power-cut invariants", () => {
  it("accept a clean approved sale, and a sale reversed exactly once", () => {
    const reversed = evidence(
      [row("000002", { status: "reversed", reversal: { state: "confirmed", reason: "98", attempts: 1 } })],
      [sale("000002", { status: "reversed" }), reversal("000002", "reversed seq 1")],
    );
    for (const run of [clean(), reversed]) {
      expect(nothingChargedTwice(run)).toEqual([]);
      expect(journalAgreesWithHost(run)).toEqual([]);
      expect(countersNeverReused(run)).toEqual([]);
      expect(slipsComplete(run)).toEqual([]);
    }
  });

  it("catch a double charge and a second reversal that took effect", () => {
    const twice = evidence([row("000002")], [sale("000002"), sale("000002", { seq: 9 })]);
    expect(nothingChargedTwice(twice).join("\n")).toMatch(
      /sale: 2 requests reached the host[\s\S]*2 entries in force/,
    );
    const undoneTwice = evidence(
      [row("000002", { status: "reversed", reversal: { state: "confirmed", reason: "98", attempts: 2 } })],
      [
        sale("000002", { status: "reversed" }),
        reversal("000002", "reversed seq 1"),
        reversal("000002", "reversed seq 1"),
      ],
    );
    expect(nothingChargedTwice(undoneTwice).join("\n")).toMatch(/2 reversals took effect/);
    expect(nothingChargedTwice({ ...clean(), charged: 2468 }).join("\n")).toMatch(/cards charged 2468/);
  });

  it("net a void against its sale, and count an open pre-authorisation as held", () => {
    const voided = evidence(
      [row("000002", { status: "voided" }), row("000003", { type: "void" })],
      [sale("000002", { status: "voided" }), sale("000003", { transaction: "void", seq: 2 })],
      { charged: 0 },
    );
    expect(nothingChargedTwice(voided)).toEqual([]);
    expect(journalAgreesWithHost(voided)).toEqual([]);
    expect(nothingChargedTwice({ ...voided, charged: 1234 }).join("\n")).toMatch(/credits in force 0 fen/);
    const held = evidence(
      [row("000002", { type: "preauth" })],
      [sale("000002", { transaction: "preAuth", mti: "0100" })],
      { charged: 0, held: 1234 },
    );
    expect(nothingChargedTwice(held)).toEqual([]);
    expect(nothingChargedTwice({ ...held, held: 0 }).join("\n")).toMatch(/open pre-authorisations 1234 fen/);
    const lostVoid = evidence(
      [row("000002", { status: "voided" })],
      [sale("000002", { status: "voided" }), sale("000003", { transaction: "void", seq: 2 })],
      { charged: 0 },
    );
    expect(journalAgreesWithHost(lostVoid).join("\n")).toMatch(
      /void STAN 000001\/000003: in force at the host, journal has no row/,
    );
  });

  it("catch a lost approval, a charge the terminal thinks reversed, and a row left pending", () => {
    expect(journalAgreesWithHost(evidence([], [sale("000002")])).join("\n")).toMatch(/journal has no row/);
    const charged = evidence(
      [row("000002", { status: "reversed", reversal: { state: "confirmed", reason: "98", attempts: 1 } })],
      [sale("000002")],
    );
    expect(journalAgreesWithHost(charged).join("\n")).toMatch(/reversed in the journal but in force/);
    const pending = evidence(
      [row("000002", { status: "pending", reversal: { state: "pending", reason: "98", attempts: 0 } })],
      [],
    );
    pending.report.journal.pendingReversals = ["000002"];
    expect(journalAgreesWithHost(pending).join("\n")).toMatch(
      /still pending[\s\S]*still pending after recovery/,
    );
  });

  it("catch a STAN used twice and a counter behind the host", () => {
    const reused = { ...clean(), exchanges: [...clean().exchanges, exchange("0800", "000002")] };
    expect(countersNeverReused(reused).join("\n")).toMatch(/STAN 000002 used twice/);
    const behind = clean();
    behind.report.journal.nextStan = "000003";
    expect(countersNeverReused(behind).join("\n")).toMatch(/not past 3/);
    // A reversal repeats its original's STAN by design.
    expect(
      countersNeverReused({ ...clean(), exchanges: [...clean().exchanges, exchange("0400", "000002")] }),
    ).toEqual([]);
  });

  it("catch a slip neither stored nor on the print list at boot, and a failed reprint", () => {
    const lost = clean();
    lost.report.result = {
      atBoot: [{ stan: "000002", copiesPrinted: 0, receipts: 0 }],
      unprintedAtBoot: [],
      printed: [{ stan: "000002", ok: false }],
    };
    expect(slipsComplete(lost)).toEqual([
      "STAN 000002: at boot 0 of 2 e-receipts and not on the print list",
      "STAN 000002: reprint after the cut failed",
    ]);
    lost.report.result = {
      atBoot: [{ stan: "000002", copiesPrinted: 0, receipts: 0 }],
      unprintedAtBoot: ["000002"],
    };
    expect(slipsComplete(lost)).toEqual([]);
  });

  it("catch a slip short of a copy or of its e-receipt", () => {
    const short = evidence([row("000002", { copiesPrinted: 1, receipts: ["merchant"] })], [sale("000002")]);
    expect(slipsComplete(short)).toEqual([
      "STAN 000002: 1 of 2 copies printed",
      "STAN 000002: 1 of 2 e-receipts stored",
    ]);
  });

  it("catch a batch closed twice, left open, or a terminal on another batch than the host", () => {
    const settled = (): RunEvidence => {
      const run = evidence([row("000002", { settlement: "settled" })], [sale("000002")]);
      run.report.journal.batch = "000002";
      run.report.journal.settlements = [{ batch: "000001", stage: "closed", result: "balanced" }];
      return run;
    };
    const host: HostSettlements = {
      batch: "000002",
      settled: [{ batch: "000001", uploadEnd: { code: "207", count: 0 } }],
    };
    expect(settledOnce(settled(), "000001", host)).toEqual([]);
    expect(
      settledOnce(settled(), "000001", { ...host, settled: [...host.settled, ...host.settled] }).join("\n"),
    ).toMatch(/accepted 2 settlements/);
    const open = settled();
    open.report.journal.settlements = [{ batch: "000001", stage: "uploading" }];
    open.report.journal.rows = [row("000002")];
    expect(settledOnce(open, "000001", host).join("\n")).toMatch(/still open[\s\S]*is unsettled/);
    expect(settledOnce(settled(), "000001", { ...host, batch: "000003" }).join("\n")).toMatch(
      /host at 000003/,
    );
  });
});
