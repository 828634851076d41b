import { describe, expect, it } from "vitest";
import { FAULT_KINDS, FAULTS } from "../../../tools/soak/faults.js";
import { Prng } from "../../../tools/soak/prng.js";
import { planSoak } from "../../../tools/soak/scenario.js";

describe("soak plan", () => {
  it("the same seed gives the same scenarios and faults; another seed another plan", () => {
    const a = planSoak({ transactions: 200, faultRate: 0.3, seed: 42 });
    const b = planSoak({ transactions: 200, faultRate: 0.3, seed: 42 });
    const c = planSoak({ transactions: 200, faultRate: 0.3, seed: 43 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("faults come at about the rate asked, only where they apply, and cover the catalogue", () => {
    const plan = planSoak({ transactions: 2000, faultRate: 0.25, seed: 7 });
    const faulted = plan.filter((s) => s.fault);
    expect(faulted.length / plan.length).toBeGreaterThan(0.21);
    expect(faulted.length / plan.length).toBeLessThan(0.29);
    for (const step of faulted) expect(FAULTS[step.fault!].appliesTo(step)).toBe(true);
    expect(new Set(faulted.map((s) => s.fault))).toEqual(new Set(FAULT_KINDS));
    expect(planSoak({ transactions: 100, faultRate: 0, seed: 7 }).some((s) => s.fault)).toBe(false);
    expect(planSoak({ transactions: 100, faultRate: 1, seed: 7 }).every((s) => s.fault)).toBe(true);
  });

  it("every kind and entry mode appears; amounts in fen within 1..20000, balance 0", () => {
    const plan = planSoak({ transactions: 500, faultRate: 0.2, seed: 1 });
    expect(new Set(plan.map((s) => s.kind))).toEqual(
      new Set(["sale", "void", "refund", "preauth", "completion", "balance"]),
    );
    expect(new Set(plan.filter((s) => s.kind === "sale").map((s) => s.entry))).toEqual(
      new Set(["swipe", "insert", "tap", "qr"]),
    );
    for (const s of plan) {
      if (s.kind === "balance") expect(s.amount).toBe(0);
      else expect(s.amount).toBeGreaterThanOrEqual(1);
      expect(s.amount).toBeLessThanOrEqual(20_000);
      expect(Number.isInteger(s.amount)).toBe(true);
    }
  });

  it("the PRNG is mulberry32: fixed output for a fixed seed, values in [0, 1)", () => {
    const r = new Prng(1);
    const first = [r.next(), r.next(), r.next()];
    expect(first.map((x) => x.toFixed(6))).toEqual(["0.627074", "0.002736", "0.527447"]);
    const s = new Prng(99);
    for (let i = 0; i < 1000; i++) {
      const x = s.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const n = s.int(3, 5);
      expect(n === 3 || n === 4 || n === 5).toBe(true);
    }
  });
});
