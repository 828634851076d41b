import { spawn, spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Journal } from "../../../firmware/journal/index.js";
import { useTempDirs } from "../../support/temp-dir.js";

/**
 * Power cuts for real: a child node process runs the COMPILED journal (dist/, built by `npm run build`
 * before the tests) and is SIGKILLed — by itself right after its Nth commit, or by us at a random moment
 * in the middle of its writes. Reopening must show whole commits only and a STAN counter that never
 * hands out a value twice.
 */

const tempDir = useTempDirs();
const root = resolve(fileURLToPath(import.meta.url), "../../../..");
const DIST = pathToFileURL(join(root, "dist/firmware/journal/index.js")).href;

const CHILD = `
import { Journal } from ${JSON.stringify(DIST)};
const killAt = Number(process.env.KILL_AT ?? 0);
let commits = 0;
const journal = Journal.open(process.env.JOURNAL_PATH, {
  onCommit: () => {
    commits += 1;
    if (commits === killAt) process.kill(process.pid, "SIGKILL");
  },
});
const sale = (stan, batch) => ({
  stan, batch, type: "sale", entryMode: "tap", amount: 1000, tip: 0, currency: "156",
  terminalId: "12345678", merchantId: "123456789012345", operator: "01",
  maskedPan: "622202******1234", panLast4: "1234", panCipher: Buffer.from("8F3A11C0D2E4B5A6", "hex"),
  cardKind: "debit", domestic: true, status: "pending", signatureRequired: false,
});
if (process.env.SCRIPT === "settlement") {
  const batch = journal.batch();
  const ids = [1, 2, 3].map(() => journal.insert({ ...sale(journal.peekStan(), batch), status: "approved" }).id);
  journal.beginSettlement(batch, journal.totals(batch));
  journal.updateSettlement(batch, { stage: "uploading", result: "unbalanced" });
  journal.markUploaded(ids);
  journal.updateSettlement(batch, { stage: "upload-done" });
  journal.closeSettlement(batch);
} else {
  const sales = Number(process.env.SALES ?? 1000);
  for (let i = 1; i <= sales; i++) {
    const stan = journal.nextStan();
    const row = journal.insert(sale(stan, journal.batch()));
    journal.update(row.id, { status: "approved", responseCode: "00", rrn: "R" + stan, authCode: "A" + stan });
    if (i % 20 === 0) process.stdout.write("sold " + i + "\\n");
  }
}
journal.close();
process.stdout.write("done\\n");
`;

function runChild(env: Record<string, string>): {
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** The STAN counter as committed: peekStan is one past it. */
function lastStan(journal: Journal): number {
  return (Number(journal.peekStan()) + 999_998) % 999_999;
}

/**
 * What every reopened sales journal must satisfy, whatever instant the cut came at, after `runs` killed
 * children: rows whole, STANs unique and rising (a cut between counter:stan and insert skips one, never
 * repeats one), at most one pending row per cut.
 */
function checkSalesJournal(path: string, runs: number): { stans: number[]; stanCounter: number } {
  const journal = Journal.open(path);
  expect(journal.integrityProblems()).toEqual([]);
  const rows = journal.query();
  const stanCounter = lastStan(journal);
  let previous = 0;
  rows.forEach((row, index) => {
    expect(row.id).toBe(index + 1);
    expect(Number(row.stan)).toBeGreaterThan(previous);
    expect(Number(row.stan) - previous).toBeLessThanOrEqual(2);
    previous = Number(row.stan);
    // An update is whole: either nothing of it landed, or all of it.
    if (row.status === "approved") {
      expect([row.rrn, row.authCode, row.responseCode]).toEqual([`R${row.stan}`, `A${row.stan}`, "00"]);
    } else {
      expect([row.status, row.rrn, row.authCode, row.responseCode]).toEqual([
        "pending",
        undefined,
        undefined,
        undefined,
      ]);
    }
    expect(row.panCipher).toEqual(Buffer.from("8F3A11C0D2E4B5A6", "hex"));
  });
  expect(rows.filter((r) => r.status === "pending").length).toBeLessThanOrEqual(runs);
  // Every STAN that reached a row was committed first; at most one was taken without a row.
  expect(stanCounter - previous).toBeGreaterThanOrEqual(0);
  expect(stanCounter - previous).toBeLessThanOrEqual(1);
  expect(Number(journal.peekStan())).toBe(stanCounter + 1);
  journal.close();
  return { stans: rows.map((r) => Number(r.stan)), stanCounter };
}

describe("Journal power cuts (child process, compiled dist/)", () => {
  it("killed right after commit N of a sale loop: exactly the first N commits survive", () => {
    for (let killAt = 1; killAt <= 10; killAt++) {
      const path = join(tempDir(), "journal.db");
      const child = runChild({ JOURNAL_PATH: path, KILL_AT: String(killAt) });
      expect(child.stderr).toBe("");
      expect(child.signal).toBe("SIGKILL");
      // Commit 1 created the schema; then each sale is counter:stan, insert, update:status.
      const done = killAt - 1;
      const complete = Math.floor(done / 3);
      const partial = done % 3;
      const journal = Journal.open(path);
      const rows = journal.query();
      expect(rows).toHaveLength(complete + (partial === 2 ? 1 : 0));
      expect(rows.filter((r) => r.status === "approved")).toHaveLength(complete);
      expect(lastStan(journal)).toBe(complete + (partial >= 1 ? 1 : 0));
      journal.close();
      checkSalesJournal(path, 1);
    }
  });

  it("killed at random instants mid-write, again and again on one file: whole commits only, no STAN reused", async () => {
    const path = join(tempDir(), "journal.db");
    const delays = fc.sample(fc.integer({ min: 0, max: 40 }), { seed: 7, numRuns: 4 });
    let before = { stans: [] as number[], stanCounter: 0 };
    for (const [run, delay] of delays.entries()) {
      const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
        env: { ...process.env, JOURNAL_PATH: path, SALES: "100000" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += String(chunk);
      });
      const exited = new Promise<NodeJS.Signals | null>((done) =>
        child.on("exit", (_code, signal) => done(signal)),
      );
      await new Promise<void>((ready, failed) => {
        child.stdout.on("data", (chunk: Buffer) => {
          if (String(chunk).includes("sold")) ready();
        });
        child.on("exit", () => failed(new Error(`child ended before selling: ${stderr}`)));
      });
      await new Promise((wait) => setTimeout(wait, delay));
      child.kill("SIGKILL");
      expect(await exited).toBe("SIGKILL");
      expect(stderr).toBe("");
      const after = checkSalesJournal(path, run + 1);
      // Work from the earlier runs is all still there; the new run added to it with STANs never used before.
      expect(after.stans.slice(0, before.stans.length)).toEqual(before.stans);
      const added = after.stans.slice(before.stans.length);
      expect(added.length).toBeGreaterThanOrEqual(20);
      expect(added.every((stan) => stan > before.stanCounter)).toBe(true);
      before = after;
    }
  });

  it("killed at each commit of a settlement: either before the close or wholly after it", () => {
    // Commits: 1 schema, 2-4 inserts, 5 begin, 6 uploading, 7 markUploaded, 8 upload-done, 9 close.
    for (let killAt = 5; killAt <= 9; killAt++) {
      const path = join(tempDir(), "journal.db");
      const child = runChild({ JOURNAL_PATH: path, KILL_AT: String(killAt), SCRIPT: "settlement" });
      expect(child.stderr).toBe("");
      expect(child.signal).toBe("SIGKILL");
      const journal = Journal.open(path);
      const rows = journal.query();
      expect(rows).toHaveLength(3);
      const [run] = journal.settlementHistory();
      expect(run?.stage).toBe(["totals-sent", "uploading", "uploading", "upload-done", "closed"][killAt - 5]);
      expect(rows.every((r) => r.uploaded === killAt >= 7)).toBe(true);
      if (killAt === 9) {
        expect(rows.every((r) => r.settlement === "settled")).toBe(true);
        expect(journal.batch()).toBe("000002");
        expect(journal.currentSettlement()).toBeUndefined();
      } else {
        expect(rows.every((r) => r.settlement === "unsettled")).toBe(true);
        expect(journal.batch()).toBe("000001");
        expect(journal.currentSettlement()).toEqual(run);
      }
      journal.close();
    }
  });
});
