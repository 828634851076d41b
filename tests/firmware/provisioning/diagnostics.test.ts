import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectDiagnostics, diagnosticsText, lastLogErrors } from "../../../firmware/provisioning/index.js";
import { RigTerminal } from "../../../tools/terminal/rig-terminal.js";
import { posctl, resetExitCode } from "../../support/posctl.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();
let rigDir: string;
let tmkKcv: string;

/** A short session on the rig: sign-in and one swiped sale, slip printed; then the process is gone. */
beforeAll(async () => {
  rigDir = mkdtempSync(join(tmpdir(), "pos-diag-"));
  const t = await RigTerminal.start({ dir: rigDir });
  try {
    const signal = () => AbortSignal.timeout(20_000);
    await t.app.selfTest();
    await t.app.recover();
    await t.app.signIn(signal());
    const waiting = t.app.waitForCard(signal());
    t.rig.swipe("cup-magstripe");
    const card = await waiting;
    const sale = await t.app.pay({ type: "sale", amount: 1234, card, signal: signal() });
    expect(sale.status).toBe("approved");
    t.rig.remove();
    await t.app.waitForCardRemoval(signal());
    tmkKcv = t.app.keys.status("tmk")!.kcv;
  } finally {
    await t.stop({ keepDir: true });
  }
  writeFileSync(
    join(rigDir, "terminal.log"),
    `${JSON.stringify({ level: 50, time: 0, msg: "host link lost", err: { message: "ECONNRESET" } })}\nnot json\n`,
    { flag: "a" },
  );
}, 60_000);

afterAll(() => {
  rmSync(rigDir, { recursive: true, force: true });
});

describe("diagnostics from a terminal's files", () => {
  it("reads key check values, journal counts, settlement and config of a rig session", () => {
    const d = collectDiagnostics({
      storageDir: join(rigDir, "data"),
      configPath: join(rigDir, "terminal.json"),
      logPath: join(rigDir, "terminal.log"),
    });
    expect(d.keys.slots.map((s) => s.slot)).toEqual(["tmk", "pik", "mak", "tdk"]);
    expect(d.keys.slots[0]!.kcv).toBe(tmkKcv);
    expect(d.journal).toMatchObject({
      present: true,
      total: 1,
      unsettled: 1,
      pendingReversals: 0,
      unprinted: 1,
    });
    if (d.journal.present) expect(d.journal.byStatus.approved).toBe(1);
    expect(d.config).toMatchObject({ terminalId: expect.stringMatching(/^\w{8}$/), transport: "tcp" });
    expect(d.lastErrors).toEqual([
      { time: "1970-01-01T00:00:00.000Z", level: "error", message: "host link lost: ECONNRESET" },
    ]);
    const text = diagnosticsText(d);
    expect(text).toContain(`tmk   KCV ${tmkKcv}`);
    expect(text).toMatch(/journal {3}1 transactions \(approved 1\)/);
    expect(text).toMatch(/unprinted slips 1/);
  });

  it("reports an empty or broken directory part by part instead of failing", () => {
    const dir = tempDir();
    const bad = join(dir, "terminal.json");
    writeFileSync(bad, "{}");
    const d = collectDiagnostics({ storageDir: dir, configPath: bad, logPath: join(dir, "missing.log") });
    expect(d.keys.slots).toEqual([]);
    expect(d.journal).toEqual({ present: false });
    expect(d.config).toMatchObject({ error: expect.stringMatching(/terminal/) });
    expect(d.lastErrors).toEqual([]);
    expect(diagnosticsText(d)).toMatch(/keys {6}none loaded/);
  });

  it("takes only error and fatal lines from the log, the last N", () => {
    const path = join(tempDir(), "x.log");
    const lines = [30, 50, 60, 40, 50].map((level, i) => JSON.stringify({ level, time: i, msg: `m${i}` }));
    writeFileSync(path, `${lines.join("\n")}\n`);
    expect(lastLogErrors(path, 2).map((e) => `${e.level} ${e.message}`)).toEqual(["fatal m2", "error m4"]);
  });
});

describe("posctl diag", () => {
  resetExitCode();

  it("text and JSON from the rig session's directory; never a key", async () => {
    const text = await posctl("diag", "--dir", rigDir, "--log", join(rigDir, "terminal.log"));
    expect(text).toMatchObject({ exitCode: 0, stderr: "" });
    expect(text.stdout).toContain(`KCV ${tmkKcv}`);
    expect(text.stdout).toContain("host link lost");
    const json = await posctl("diag", "--dir", rigDir, "--json");
    expect(json.exitCode).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.journal.byStatus.approved).toBe(1);
    expect(json.stdout).not.toMatch(/sealed|"key":/);
  });

  it("--rig runs a live self-test of a rig terminal", async () => {
    const result = await posctl("diag", "--dir", tempDir(), "--rig", "--json");
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    const report = JSON.parse(result.stdout);
    expect(report.live.faults).toEqual([]);
    expect(Object.keys(report.live.devices)).toEqual(expect.arrayContaining(["pinpad", "printer"]));
    expect(report.live.devices.pinpad.error).toBeUndefined();
    expect(report.live.keys[0]).toMatchObject({ slot: "tmk" });
  }, 60_000);
});
