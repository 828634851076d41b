import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AdminError,
  factoryReset,
  factorySettings,
  storageLayout,
  UserStore,
} from "../../../firmware/admin/index.js";
import { exampleSettingsInput, parseTerminalSettings } from "../../../firmware/config/index.js";
import { Journal } from "../../../firmware/journal/index.js";
import { FileSecureElement } from "../../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../../firmware/keys/key-store.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { pendingSale, StepClock } from "../journal/journal-fixtures.js";

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const tempDir = useTempDirs();

function terminalState() {
  const dir = tempDir();
  const layout = storageLayout(dir);
  const keys = () => new KeyStore(layout.keysDir, new FileSecureElement(layout.deviceKey));
  keys().loadTmk(Buffer.alloc(16, 0x11));
  const clock = new StepClock();
  const journal = Journal.open(layout.journal, { clock: clock.now });
  mkdirSync(layout.spool);
  writeFileSync(join(layout.spool, "job-1.bin"), "slip");
  const configPath = join(dir, "terminal.json");
  const config = {
    ...exampleSettingsInput(),
    receipts: { copies: 3 },
    limits: { daily: 1_000 },
    admin: { permissions: { refund: ["operator"] } },
  };
  writeFileSync(configPath, JSON.stringify(config));
  return { dir, layout, keys, journal, configPath, config };
}

describe("factory reset", () => {
  it("refuses while unsettled money would be lost, and changes nothing", async () => {
    const t = terminalState();
    const sale = t.journal.insert(pendingSale());
    t.journal.update(sale.id, { status: "approved", responseCode: "00" });
    const error = await factoryReset({ storageDir: t.dir, keys: t.keys(), journal: t.journal }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(AdminError);
    expect(error.reason).toBe("unsettled");
    expect(error.message).toMatch(/1 unsettled transaction/);
    expect(t.journal.isOpen).toBe(true);
    expect(t.keys().has("tmk")).toBe(true);
    // Given only the path, it opens the journal to find the same.
    t.journal.close();
    await expect(
      factoryReset({ storageDir: t.dir, keys: t.keys(), journal: t.layout.journal }),
    ).rejects.toMatchObject({
      reason: "unsettled",
    });
    expect(existsSync(t.layout.journal)).toBe(true);
  });

  it("refuses while a settlement is half-way", async () => {
    const t = terminalState();
    t.journal.beginSettlement("000001", t.journal.totals("000001"));
    await expect(
      factoryReset({ storageDir: t.dir, keys: t.keys(), journal: t.journal }),
    ).rejects.toMatchObject({
      reason: "unsettled",
    });
    t.journal.close();
  });

  it("wipes keys, journal, spool, configuration and users once the loss is confirmed", async () => {
    const t = terminalState();
    const users = await UserStore.open(t.layout.users, { scrypt: FAST });
    await users.changePassword("00", Buffer.from("123456"), Buffer.from("800800"));
    const sale = t.journal.insert(pendingSale());
    t.journal.update(sale.id, { status: "approved" });
    const result = await factoryReset({
      storageDir: t.dir,
      keys: t.keys(),
      journal: t.journal,
      confirmUnsettledLoss: true,
      config: { path: t.configPath, factory: factorySettings(t.config) },
      users: { scrypt: FAST },
    });
    expect(result).toEqual({ unsettledLost: 1 });
    expect(t.journal.isOpen).toBe(false);
    for (const gone of [t.layout.journal, `${t.layout.journal}-wal`, t.layout.deviceKey, t.layout.spool]) {
      expect(existsSync(gone)).toBe(false);
    }
    expect(t.keys().has("tmk")).toBe(false);
    const fresh = Journal.open(t.layout.journal);
    expect(fresh.query()).toEqual([]);
    expect(fresh.batch()).toBe("000001");
    expect(fresh.peekStan()).toBe("000001");
    fresh.close();
    const back = await UserStore.open(t.layout.users, { scrypt: FAST });
    expect(back.list().map((u) => [u.userId, u.expired])).toEqual([
      ["00", true],
      ["01", true],
      ["99", true],
    ]);
    await expect(back.authenticate("00", Buffer.from("800800"))).rejects.toMatchObject({
      reason: "wrong-password",
    });
    await expect(back.authenticate("00", Buffer.from("123456"))).rejects.toMatchObject({ reason: "expired" });
    // Configuration: identity, host, devices kept; everything else back to the defaults.
    const config = JSON.parse(readFileSync(t.configPath, "utf8"));
    expect(Object.keys(config).sort()).toEqual(
      ["devices", "host", "log", "storage", "terminal"].filter((k) => k in t.config).sort(),
    );
    expect(config.receipts).toBeUndefined();
    expect(config.admin).toBeUndefined();
    expect(config.terminal.terminalId).toBe(t.config.terminal.terminalId);
    const settings = parseTerminalSettings(config, "factory");
    expect(settings.receipts.copies).toBe(2);
  });

  it("goes ahead without confirmation when everything is settled", async () => {
    const t = terminalState();
    const sale = t.journal.insert(pendingSale());
    t.journal.update(sale.id, { status: "approved" });
    t.journal.insert(pendingSale({ stan: "000002", status: "declined" }));
    t.journal.beginSettlement("000001", t.journal.totals("000001"));
    t.journal.closeSettlement("000001");
    expect(
      await factoryReset({ storageDir: t.dir, keys: t.keys(), journal: t.journal, users: { scrypt: FAST } }),
    ).toEqual({
      unsettledLost: 0,
    });
    expect(existsSync(t.layout.journal)).toBe(false);
  });
});
