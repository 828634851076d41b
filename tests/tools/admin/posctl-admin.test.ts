import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { storageLayout, UserStore } from "../../../firmware/admin/index.js";
import { exampleSettingsInput } from "../../../firmware/config/index.js";
import { Journal } from "../../../firmware/journal/index.js";
import { FileSecureElement } from "../../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../../firmware/keys/key-store.js";
import { TRANSACTION_COLUMNS } from "../../../firmware/reports/index.js";
import { StepClock } from "../../firmware/journal/journal-fixtures.js";
import { CLEAR_PANS, fillJournal } from "../../firmware/reports/report-fixtures.js";
import { posctl, resetExitCode } from "../../support/posctl.js";
import { useTempDirs } from "../../support/temp-dir.js";

resetExitCode();
const tempDir = useTempDirs();
afterEach(() => {
  vi.restoreAllMocks();
});

/** A terminal directory as `posctl terminal start --dir` leaves it: terminal.json + data/. */
function terminalDir() {
  const dir = tempDir();
  const base = exampleSettingsInput();
  const config = {
    ...base,
    terminal: { ...base.terminal, terminalId: "12345678", merchantId: "123456789012345" },
    storage: { dir: "data" },
  };
  writeFileSync(join(dir, "terminal.json"), JSON.stringify(config, null, 2));
  const layout = storageLayout(join(dir, "data"));
  mkdirSync(layout.dir);
  const clock = new StepClock();
  const journal = Journal.open(layout.journal, { clock: clock.now });
  fillJournal(journal, clock);
  const before = journal.exportJson();
  journal.close();
  new KeyStore(layout.keysDir, new FileSecureElement(layout.deviceKey)).loadTmk(Buffer.alloc(16, 0x22));
  return { dir, layout, before };
}

/** The next command's stdin. */
function stdin(text: string): void {
  vi.spyOn(process, "stdin", "get").mockReturnValue(Readable.from([Buffer.from(text)]) as never);
}

describe("posctl journal", () => {
  it("exports a batch's transaction list as CSV with the documented header", async () => {
    const { dir } = terminalDir();
    const result = await posctl("journal", "export", "--dir", dir, "--batch", "000001", "--format", "csv");
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split("\r\n");
    expect(lines[0]).toBe(TRANSACTION_COLUMNS.map((c) => c.name).join(","));
    expect(lines).toHaveLength(7);
    for (const pan of CLEAR_PANS) expect(result.stdout).not.toContain(pan);
  });

  it("exports a day's settlement list as JSON, to a 0600 file with --out", async () => {
    const { dir } = terminalDir();
    const out = join(dir, "settlements.json");
    const result = await posctl(
      "journal",
      "export",
      "--dir",
      dir,
      "--day",
      "2025-03-01",
      "--format",
      "json",
      "--kind",
      "settlements",
      "--out",
      out,
    );
    expect(result.exitCode).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(out, "utf8"));
    expect(json).toMatchObject({ schema: "pos.reconciliation.settlements", terminalId: "12345678" });
    expect(json.rows[0]).toMatchObject({ batch: "000001", settlementStatus: "已结算" });
  });

  it("queries by STAN, last 4 and status, read-only", async () => {
    const { dir, layout } = terminalDir();
    const mtime = statSync(layout.journal).mtimeMs;
    const byStan = await posctl("journal", "query", "--dir", dir, "--stan", "000004", "--format", "json");
    expect(byStan.exitCode).toBe(0);
    expect(JSON.parse(byStan.stdout)).toEqual([
      expect.objectContaining({ stan: "000004", type: "refund", maskedPan: "622588******7890" }),
    ]);
    const declined = await posctl(
      "journal",
      "query",
      "--dir",
      layout.dir,
      "--status",
      "declined",
      "--last4",
      "1234",
    );
    expect(declined.stdout.trim().split("\r\n")).toHaveLength(2);
    expect(statSync(layout.journal).mtimeMs).toBe(mtime);
  });

  it("refuses bad input with one line and exit 2", async () => {
    const { dir } = terminalDir();
    for (const args of [
      ["journal", "export", "--dir", dir, "--batch", "000001", "--day", "2025-03-01"],
      ["journal", "export", "--dir", dir],
      ["journal", "export", "--dir", dir, "--batch", "1"],
      ["journal", "export", "--dir", dir, "--batch", "000001", "--format", "xml"],
      ["journal", "query", "--dir", dir, "--stan", "12"],
      ["journal", "query", "--dir", tempDir()],
    ]) {
      const result = await posctl(...args);
      expect(result.exitCode, args.join(" ")).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

describe("posctl admin", () => {
  it("changes a password from stdin lines, never argv", async () => {
    const { dir, layout } = terminalDir();
    stdin("123456\n800800\n");
    const ok = await posctl("admin", "passwd", "--dir", dir, "--user", "00");
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toContain("password of user 00 changed");
    const store = await UserStore.open(layout.users);
    expect(await store.authenticate("00", Buffer.from("800800"))).toEqual({ userId: "00", role: "admin" });
    stdin("111111\n900900\n");
    const wrong = await posctl("admin", "passwd", "--dir", dir, "--user", "00");
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/wrong password for user 00/);
    expect(wrong.stderr).not.toContain("111111");
    stdin("800800\n");
    expect((await posctl("admin", "passwd", "--dir", dir, "--user", "00")).stderr).toMatch(/expected 2 line/);
  }, 20_000);

  it("backs up, resets, and restores a terminal directory", async () => {
    const { dir, layout, before } = terminalDir();
    const backup = join(dir, "backup.posbak");
    stdin("a-long-passphrase\n");
    const made = await posctl("admin", "backup", "--dir", dir, "--out", backup);
    expect(made.stderr).toBe("");
    expect(statSync(backup).mode & 0o777).toBe(0o600);

    const refused = await posctl("admin", "reset", "--dir", dir);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/unsettled/);
    expect(existsSync(layout.journal)).toBe(true);
    const reset = await posctl("admin", "reset", "--dir", dir, "--yes-lose-unsettled");
    expect(reset.stderr).toBe("");
    expect(reset.stdout).toMatch(/2 unsettled transactions discarded/);
    expect(existsSync(layout.journal)).toBe(false);
    expect(new KeyStore(layout.keysDir, new FileSecureElement(layout.deviceKey)).has("tmk")).toBe(false);

    stdin("the-wrong-passphrase\n");
    const wrong = await posctl("admin", "restore", "--dir", dir, backup);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/backup integrity/);
    stdin("a-long-passphrase\n");
    const restored = await posctl("admin", "restore", "--dir", dir, backup);
    expect(restored.stderr).toBe("");
    expect(restored.stdout).toMatch(
      /8 transactions, 1 settlement runs; next STAN 000009, batch 000002; configuration restored/,
    );
    const journal = Journal.open(layout.journal);
    expect(journal.exportJson()).toBe(before);
    journal.close();
  }, 20_000);

  it("checks the user's permission when --user is given", async () => {
    const { dir, layout } = terminalDir();
    const store = await UserStore.open(layout.users);
    await store.changePassword("01", Buffer.from("000000"), Buffer.from("101010"));
    stdin("101010\n");
    const forbidden = await posctl("admin", "reset", "--dir", dir, "--yes-lose-unsettled", "--user", "01");
    expect(forbidden.exitCode).toBe(2);
    expect(forbidden.stderr).toMatch(/may not run factory-reset/);
    expect(existsSync(layout.journal)).toBe(true);
    stdin("12345678\nanother-passphrase\n");
    const expired = await posctl(
      "admin",
      "backup",
      "--dir",
      dir,
      "--out",
      join(dir, "b.bin"),
      "--user",
      "99",
    );
    expect(expired.stderr).toMatch(/must be changed before use/);
  }, 20_000);
});
