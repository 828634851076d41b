import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BackupError,
  type BackupErrorReason,
  createBackup,
  decodeHeader,
  openBackup,
  restoreBackup,
  writeBackupFile,
} from "../../../firmware/backup/index.js";
import { Journal } from "../../../firmware/journal/index.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { openJournal, pendingSale } from "../journal/journal-fixtures.js";
import { fillJournal } from "../reports/report-fixtures.js";

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PASSPHRASE = () => Buffer.from("backup-passphrase-88", "ascii");
const TID = "12345678";
const tempDir = useTempDirs();

/** A terminal directory with a filled journal and a config file. */
function terminal() {
  const dir = tempDir();
  const opened = openJournal(dir);
  fillJournal(opened.journal, opened.clock);
  const configPath = join(dir, "terminal.json");
  writeFileSync(
    configPath,
    `${JSON.stringify({ terminal: { terminalId: TID, merchantId: "123456789012345" } })}\n`,
    {
      mode: 0o600,
    },
  );
  return { dir, ...opened, configPath };
}

function snapshot(journal: Journal) {
  return {
    json: journal.exportJson(),
    records: journal.query(),
    receipts: journal.query().map((r) => journal.receipts(r.id)),
    runs: journal.settlementHistory(),
    stan: journal.peekStan(),
    batch: journal.batch(),
  };
}

async function refusal(promise: Promise<unknown>, reason: BackupErrorReason): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupError);
  expect((error as BackupError).reason).toBe(reason);
}

async function backupOf(t: ReturnType<typeof terminal>, terminalId = TID) {
  return createBackup({ journalPath: t.path, configPath: t.configPath, terminalId }, PASSPHRASE(), {
    kdf: FAST,
  });
}

describe("backup and restore", () => {
  it("keeps every transaction byte for byte through backup → wipe → restore", async () => {
    const t = terminal();
    const before = snapshot(t.journal);
    expect(before.records.length).toBeGreaterThan(5);
    const file = await backupOf(t);
    t.journal.close();
    for (const f of [t.path, `${t.path}-wal`, `${t.path}-shm`, t.configPath]) rmSync(f, { force: true });

    const result = await restoreBackup(file, PASSPHRASE(), {
      terminalId: TID,
      journalPath: t.path,
      configPath: t.configPath,
    });
    expect(result.manifest).toMatchObject({
      terminalId: TID,
      transactions: before.records.length,
      settlementRuns: 1,
    });
    expect(result.configRestored).toBe(true);
    expect(JSON.parse(readFileSync(t.configPath, "utf8")).terminal.terminalId).toBe(TID);
    const journal = Journal.open(t.path);
    try {
      const after = snapshot(journal);
      expect(after.json).toBe(before.json);
      expect(after).toEqual(before);
      // panCipher is not in exportJson: compare it as bytes too.
      expect(after.records.map((r) => r.panCipher?.toString("hex"))).toEqual(
        before.records.map((r) => r.panCipher?.toString("hex")),
      );
      expect(statSync(t.path).mode & 0o777).toBe(0o600);
    } finally {
      journal.close();
    }
  });

  it("snapshots a journal that is open and being written (commits still in the WAL included)", async () => {
    const t = terminal();
    expect(existsSync(`${t.path}-wal`)).toBe(true);
    const committed = t.journal.query().length;
    const file = await backupOf(t);
    t.journal.insert(pendingSale({ stan: t.journal.nextStan(), batch: t.journal.batch() }));
    const { manifest, entries } = await openBackup(file, PASSPHRASE());
    expect(manifest.transactions).toBe(committed);
    expect(manifest.counters).toEqual({ stan: "000009", batch: "000002" });
    expect(entries.get("journal.db")!.subarray(0, 16).toString()).toBe("SQLite format 3\0");
    t.journal.close();
  });

  it("writes a header naming the terminal, and never a key", async () => {
    const t = terminal();
    const file = await backupOf(t);
    const { header } = decodeHeader(file);
    expect(header).toMatchObject({ terminalId: TID, kdf: FAST, version: 1 });
    expect(file.subarray(0, 6).toString()).toBe("POSBAK");
    const { entries, manifest } = await openBackup(file, PASSPHRASE());
    expect([...entries.keys()].sort()).toEqual(["journal.db", "terminal.json"]);
    expect(manifest.entries.map((e) => e.name)).not.toContain("keys.json");
    const out = join(t.dir, "backup.bin");
    writeBackupFile(out, file);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    t.journal.close();
  });

  it("refuses a wrong passphrase, another terminal's backup and a short passphrase", async () => {
    const t = terminal();
    const file = await backupOf(t);
    await refusal(
      restoreBackup(file, Buffer.from("not-the-passphrase"), { terminalId: TID, journalPath: t.path }),
      "integrity",
    );
    const foreign = await backupOf(t, "87654321");
    await refusal(restoreBackup(foreign, PASSPHRASE(), { terminalId: TID, journalPath: t.path }), "terminal");
    await refusal(
      createBackup({ journalPath: t.path, terminalId: TID }, Buffer.from("short"), { kdf: FAST }),
      "passphrase",
    );
    await refusal(
      createBackup({ journalPath: join(t.dir, "none.db"), terminalId: TID }, PASSPHRASE(), { kdf: FAST }),
      "source",
    );
    t.journal.close();
  });

  it("refuses a file with any one byte flipped, header or body, and leaves the journal alone", async () => {
    const t = terminal();
    const file = await backupOf(t);
    const before = t.journal.exportJson();
    t.journal.close();
    const { length } = decodeHeader(file);
    const restore = (bad: Buffer) =>
      restoreBackup(bad, PASSPHRASE(), { terminalId: TID, journalPath: t.path });
    // Every header byte (magic, version, KDF parameters, salt, nonce, terminal ID, date), one bit each.
    for (let offset = 0; offset < length; offset++) {
      const bad = Buffer.from(file);
      bad[offset]! ^= 1 << (offset % 8);
      await refusal(restore(bad), "integrity");
    }
    // Body and tag: the first and last bytes, and random positions and bits.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(length, length + 1, file.length - 17, file.length - 16, file.length - 1),
          fc.integer({ min: length, max: file.length - 1 }),
        ),
        fc.integer({ min: 0, max: 7 }),
        async (offset, bit) => {
          const bad = Buffer.from(file);
          bad[offset]! ^= 1 << bit;
          await refusal(restore(bad), "integrity");
        },
      ),
      { seed: 20250301, numRuns: 60 },
    );
    // Truncated and empty files too.
    await refusal(
      restoreBackup(file.subarray(0, file.length - 1), PASSPHRASE(), {
        terminalId: TID,
        journalPath: t.path,
      }),
      "integrity",
    );
    await refusal(
      restoreBackup(Buffer.alloc(0), PASSPHRASE(), { terminalId: TID, journalPath: t.path }),
      "integrity",
    );
    const journal = Journal.open(t.path);
    expect(journal.exportJson()).toBe(before);
    journal.close();
  });

  it("never lets counters go backwards when an older backup is restored", async () => {
    const t = terminal();
    const old = await backupOf(t);
    const oldStan = t.journal.peekStan();
    // Trading goes on: more STANs, a settlement, a new batch.
    for (let i = 0; i < 5; i++) t.journal.nextStan();
    const batch = t.journal.batch();
    t.journal.beginSettlement(batch, t.journal.totals(batch));
    t.journal.closeSettlement(batch);
    const live = { stan: t.journal.peekStan(), batch: t.journal.batch() };
    expect(Number(live.stan)).toBeGreaterThan(Number(oldStan));
    t.journal.close();

    const result = await restoreBackup(old, PASSPHRASE(), {
      terminalId: TID,
      journalPath: t.path,
      currentCounters: live,
    });
    expect(result.counters).toEqual(live);
    const journal = Journal.open(t.path);
    expect({ stan: journal.peekStan(), batch: journal.batch() }).toEqual(live);
    expect(journal.nextStan()).toBe(live.stan);
    journal.close();
  });

  it("reads the live counters from the journal file itself, and takes the backup's when they are higher", async () => {
    const t = terminal();
    const file = await backupOf(t);
    const backupCounters = { stan: t.journal.peekStan(), batch: t.journal.batch() };
    for (let i = 0; i < 3; i++) t.journal.nextStan();
    const live = t.journal.peekStan();
    t.journal.close();
    // Without currentCounters: the journal at journalPath is the live state.
    expect(
      (await restoreBackup(file, PASSPHRASE(), { terminalId: TID, journalPath: t.path })).counters.stan,
    ).toBe(live);
    // A wiped terminal (no journal) restoring a newer backup continues from the backup's counters.
    rmSync(t.path);
    const restored = await restoreBackup(file, PASSPHRASE(), {
      terminalId: TID,
      journalPath: t.path,
      currentCounters: { stan: "000001", batch: "000001" },
    });
    expect(restored.counters).toEqual(backupCounters);
    expect(existsSync(t.path)).toBe(true);
  });

  it("works with the real KDF parameters (scrypt N=2^15)", async () => {
    const t = terminal();
    const file = await createBackup({ journalPath: t.path, terminalId: TID }, PASSPHRASE());
    expect(decodeHeader(file).header.kdf).toEqual({ N: 32768, r: 8, p: 1 });
    const before = t.journal.exportJson();
    t.journal.close();
    rmSync(t.path);
    await restoreBackup(file, PASSPHRASE(), { terminalId: TID, journalPath: t.path });
    const journal = Journal.open(t.path);
    expect(journal.exportJson()).toBe(before);
    journal.close();
  });
});
