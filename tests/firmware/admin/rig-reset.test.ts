import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { factoryReset, factorySettings, storageLayout } from "../../../firmware/admin/index.js";
import { createBackup, restoreBackup } from "../../../firmware/backup/index.js";
import { Journal } from "../../../firmware/journal/index.js";
import { FileSecureElement } from "../../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../../firmware/keys/key-store.js";
import { RigTerminal } from "../../../tools/terminal/rig-terminal.js";
import { useTempDirs } from "../../support/temp-dir.js";

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const tempDir = useTempDirs();
const signal = () => AbortSignal.timeout(20_000);

/** A short trading session on the rig: sign-in and two swiped sales, left unsettled. */
async function tradingDay(dir: string): Promise<void> {
  const t = await RigTerminal.start({ dir, logLevel: "silent" });
  try {
    await t.app.selfTest();
    await t.app.signIn(signal());
    for (const amount of [1_234, 5_600]) {
      const waiting = t.app.waitForCard(signal());
      await t.rig.swipe("cup-magstripe");
      const card = await waiting;
      const result = await t.app.pay({ type: "sale", amount, card, signal: signal() });
      expect(result.status).toBe("approved");
      t.rig.remove();
      await t.app.waitForCardRemoval(signal());
    }
  } finally {
    await t.stop({ keepDir: true });
  }
}

describe("backup, factory reset and restore on the rig", () => {
  it("round-trips a real trading day and comes back to first boot after a reset", async () => {
    const dir = tempDir();
    await tradingDay(dir);
    const configPath = join(dir, "terminal.json");
    const config = JSON.parse(readFileSync(configPath, "utf8"));
    const layout = storageLayout(config.storage.dir);
    const keys = () => new KeyStore(layout.keysDir, new FileSecureElement(layout.deviceKey));
    const passphrase = () => Buffer.from("merchant-backup-2025");
    const journal = Journal.open(layout.journal);
    const before = journal.exportJson();
    const counters = { stan: journal.peekStan(), batch: journal.batch() };
    expect(journal.unsettled()).toHaveLength(2);
    const backup = await createBackup(
      { journalPath: layout.journal, configPath, terminalId: config.terminal.terminalId, counters },
      passphrase(),
      { kdf: FAST },
    );
    expect(backup.includes(Buffer.from("cup-magstripe"))).toBe(false);

    // Unsettled sales: refused without the confirmation.
    await expect(factoryReset({ storageDir: layout.dir, keys: keys(), journal })).rejects.toMatchObject({
      reason: "unsettled",
    });
    expect(keys().has("tmk")).toBe(true);
    await factoryReset({
      storageDir: layout.dir,
      keys: keys(),
      journal,
      confirmUnsettledLoss: true,
      config: { path: configPath, factory: factorySettings(config) },
      users: { scrypt: FAST },
    });
    expect(keys().has("tmk")).toBe(false);

    // Restore onto the wiped terminal: every transaction back, byte for byte; counters carried on.
    const restored = await restoreBackup(backup, passphrase(), {
      terminalId: config.terminal.terminalId,
      journalPath: layout.journal,
      configPath,
    });
    expect(restored.counters).toEqual(counters);
    const back = Journal.open(layout.journal);
    expect(back.exportJson()).toBe(before);
    expect(readFileSync(configPath, "utf8")).toBe(`${JSON.stringify(config, null, 2)}\n`);

    // Reset again and boot: the first-boot state (the rig tool injects the test TMK again).
    await factoryReset({
      storageDir: layout.dir,
      keys: keys(),
      journal: back,
      confirmUnsettledLoss: true,
      users: { scrypt: FAST },
    });
    expect(keys().has("tmk")).toBe(false);
    const t = await RigTerminal.start({ dir, logLevel: "silent" });
    try {
      expect(t.app.keys.has("tmk")).toBe(true);
      expect(t.app.keys.has("mak")).toBe(false);
      expect(t.app.journal.query()).toEqual([]);
      expect(t.app.journal.batch()).toBe("000001");
      expect(t.app.journal.peekStan()).toBe("000001");
    } finally {
      await t.stop({ keepDir: true });
    }
  }, 60_000);
});
