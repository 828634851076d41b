import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CARDS, DEFAULT_TMK_HEX } from "../../../tools/host-sim/default-cards.js";
import { posctl, resetExitCode } from "../../support/posctl.js";
import { useTempDirs } from "../../support/temp-dir.js";

resetExitCode();
const tempDir = useTempDirs();

describe("posctl demo --json: a scripted trading day on the rig", () => {
  it("trades by every entry mode, reverses the timeout, resumes the paper-out slip, settles balanced and reconciles", async () => {
    const dir = tempDir();
    const { stdout, exitCode, stderr } = await posctl("demo", "--json", "--dir", dir);
    expect(stderr).toBe("");
    expect(exitCode).toBe(0);
    const summary = JSON.parse(stdout);
    const byMode = new Set(
      summary.transactions
        .filter((t: { type: string }) => t.type === "sale")
        .map((t: { entryMode: string }) => t.entryMode),
    );
    expect([...byMode].sort()).toEqual(["insert", "qr", "swipe", "tap"]);
    for (const t of summary.transactions) {
      expect(t).toEqual(
        expect.objectContaining({
          stan: expect.stringMatching(/^\d{6}$/),
          amount: expect.any(Number),
          settled: true,
        }),
      );
    }
    const types = summary.transactions.map((t: { type: string }) => t.type);
    expect(types).toContain("void");
    expect(types).toContain("refund");
    expect(summary.transactions.find((t: { status: string }) => t.status === "reversed")).toBeDefined();
    expect(summary.reversals).toEqual([expect.objectContaining({ reason: "98", state: "confirmed" })]);
    expect(summary.settlement.result).toBe("balanced");
    expect(summary.hostLedgerMatches).toBe(true);
    expect(summary.receipts.length).toBeGreaterThan(10);
    expect(statSync(summary.log).size).toBeGreaterThan(0);

    // Nothing the run wrote carries a test card's clear PAN or the TMK.
    const secrets = [...DEFAULT_CARDS.map((c) => c.pan), DEFAULT_TMK_HEX];
    for (const file of [summary.log, ...summary.receipts, `${dir}/terminal.json`]) {
      const text = readFileSync(file, "utf8");
      for (const secret of secrets) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });
});
