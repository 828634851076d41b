import { describe, expect, it } from "vitest";
import { runSoak } from "../../../tools/soak/runner.js";
import { planSoak } from "../../../tools/soak/scenario.js";

const OPTIONS = { transactions: 25, faultRate: 0.3, seed: 20_261_123 };

describe("a short soak on the rig", () => {
  it("25 transactions at fault rate 0.3: faults injected and survived, ledger reconciled, settlement balanced", async () => {
    const report = await runSoak(OPTIONS);
    const plan = planSoak(OPTIONS);
    const planned = plan.filter((s) => s.fault);
    // Counts printed for the CI log (issue 9 asks for counts in the output).
    console.log(
      `soak: ${report.totals.attempted} transactions, ${report.faultsInjected} faults injected, ${report.faultsSurvived} survived, ${report.elapsedMs} ms`,
    );
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.totals.attempted).toBe(25);
    expect(report.steps.map((s) => [s.index, s.kind, s.fault])).toEqual(
      plan.map((s) => [s.index, s.kind, s.fault]),
    );
    expect(report.faultsInjected).toBe(planned.length);
    expect(report.faultsInjected).toBeGreaterThanOrEqual(4);
    expect(report.faultsSurvived).toBe(report.faultsInjected);
    expect(report.probes).toEqual({ run: planned.length, approved: planned.length });
    for (const [kind, tally] of Object.entries(report.faults)) {
      expect(tally!.injected, kind).toBe(planned.filter((s) => s.fault === kind).length);
    }
    expect(report.ledger).toEqual({ matches: true, problems: [] });
    expect(report.stans).toEqual({ unique: true, problems: [] });
    expect(report.reversals.confirmed).toBe(report.reversals.total);
    expect(report.settlement).toMatchObject({ result: "balanced" });
    expect(report.totals.approved).toBeGreaterThan(10);
  }, 90_000);
});
