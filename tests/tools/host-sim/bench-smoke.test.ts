import { describe, expect, it } from "vitest";
import { benchHostSim } from "../../../bench/host-sim.js";

describe("bench/host-sim (smoke run, not a timing)", () => {
  it("drives a few terminals in-process and reports a balanced ledger", async () => {
    const [result] = await benchHostSim({ hostInWorker: false, terminals: 4, durationMs: 300, warmupMs: 50 });
    expect(result?.name).toContain("4 terminals");
    expect(result?.opsPerSec).toBeGreaterThan(0);
    expect(result?.note).toMatch(/ledger balances/);
    expect(result?.note).toMatch(/declines 0, bad answer MACs 0/);
  });
});
