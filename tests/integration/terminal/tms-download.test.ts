import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { terminalServices } from "../../../firmware/app/terminal-services.js";
import { UNIONPAY_DEFAULTS } from "../../../firmware/emv/shared/terminal-config.js";
import { loadTestCapks } from "../../../tools/rig/cards/emv/index.js";
import type { RigTerminalOptions } from "../../../tools/terminal/rig-terminal.js";
import { type Day, insert, PAN, pay, quick, signal, startDay, swipe, tap } from "./support/rig-day.js";

const days: Day[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const day of days.splice(0)) await day.t.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(host: RigTerminalOptions["host"], dir?: string): Promise<Day> {
  const day = await startDay(quick({ ...(dir ? { dir } : {}), ...(host ? { host } : {}) }));
  days.push(day);
  return day;
}

const storage = (day: Day) => day.t.app.settings.storage.dir;

describe("TMS downloads on the rig (header 处理要求 after sign-in)", () => {
  it("处理要求 4: CAPKs downloaded and stored, and a chip sale still works", async () => {
    const day = await start({
      behaviours: [{ match: { transaction: "signIn" }, processingRequirement: 4, times: 1 }],
    });
    const { app } = day.t;
    expect(app.tms.lastOutcome).toMatchObject({ ok: true, counts: { capks: 3 } });
    expect(app.session.pendingRequirement).toBeUndefined();
    const codes = day.t.host.tmsLog().map((e) => e.code);
    expect(codes).toEqual(["372", "370", "370", "370", "371"]);
    // Management messages carry no MAC; each takes a fresh STAN.
    const tmsWire = day.wire.filter((w) => /37\d$/.test(w.fields[60] ?? ""));
    expect(tmsWire.every((w) => w.fields[64] === undefined)).toBe(true);
    expect(new Set(tmsWire.map((w) => w.fields[11])).size).toBe(tmsWire.length);

    const file = join(storage(day), "capks.json");
    const stored = JSON.parse(readFileSync(file, "utf8")) as { rid: string; index: string; hash: string }[];
    expect(stored.map((c) => `${c.rid}:${c.index}:${c.hash}`).sort()).toEqual(
      loadTestCapks()
        .map((c) => `${c.rid}:${c.index}:${c.hash}`)
        .sort(),
    );
    expect(readdirSync(storage(day)).some((f) => f.endsWith(".tmp"))).toBe(false);

    const result = await pay(day.t, { amount: 2500, card: insert("cup-debit") });
    expect(result.status).toBe("approved");
  });

  it("处理要求 5: the AIDs replace the EMV config's list, and chip and contactless sales still work", async () => {
    const day = await start({
      behaviours: [{ match: { transaction: "signIn" }, processingRequirement: 5, times: 1 }],
    });
    const { app } = day.t;
    expect(app.tms.lastOutcome).toMatchObject({ ok: true, counts: { aids: 6 } });
    // Six AIDs in pages of three: the query is asked twice ('2' then '1').
    expect(day.t.host.tmsLog().filter((e) => e.code === "382")).toHaveLength(2);
    expect(existsSync(join(storage(day), "aids.json"))).toBe(true);
    expect((await pay(day.t, { amount: 1200, card: insert("cup-debit") })).status).toBe("approved");
    expect((await pay(day.t, { amount: 1300, card: tap("cup-debit") })).status).toBe("approved");
    // The menu's 参数下载 (terminal services): everything, with a zh/en result.
    const menu = await terminalServices(app).downloadParameters();
    expect(menu).toMatchObject({ ok: true, zh: expect.stringMatching(/参数下载成功/) });
    expect(menu.en).toMatch(/3 CA public keys, 6 AIDs/);
  });

  it("处理要求 5: a lower contactless limit reaches the entry point at once, without a restart", async () => {
    const debit = "A000000333010101";
    // The host's AID list: the defaults, with a 10.00 contactless transaction limit (DF20) for debit.
    const aids = UNIONPAY_DEFAULTS.aids.map(({ aid }) =>
      aid.toUpperCase() === debit ? { aid, contactlessTransactionLimit: 1000 } : { aid },
    );
    const day = await start({ tms: { aids } });
    const { app } = day.t;
    expect((await pay(day.t, { amount: 1300, card: tap("cup-debit") })).status).toBe("approved");

    day.t.host.addBehaviour({ match: { transaction: "signIn" }, processingRequirement: 5, times: 1 });
    await app.signIn(signal());
    expect(app.tms.lastOutcome).toMatchObject({ ok: true, counts: { aids: 6 } });
    // Pre-processing: amount ≥ DF20 ⇒ contactless not allowed ⇒ Try Another Interface, nothing goes online.
    const before = day.wire.length;
    const refused = await pay(day.t, { amount: 1300, card: tap("cup-debit") });
    expect(refused).toMatchObject({ status: "failed", retry: "insert", zh: "请插卡" });
    expect(day.wire.slice(before).filter((w) => w.mti.startsWith("02"))).toEqual([]);
    // Under the new limit the tap still goes through; over it, the chip does.
    expect((await pay(day.t, { amount: 900, card: tap("cup-debit") })).status).toBe("approved");
    expect((await pay(day.t, { amount: 1300, card: insert("cup-debit") })).status).toBe("approved");
  });

  it("处理要求 1: the terminal parameters are stored, the host's timeout is applied, and kept across a reboot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tms-rig-"));
    dirs.push(dir);
    const host = {
      tms: { parameters: { timeoutSeconds: 45, retries: 3, manualEntryAllowed: false } },
      behaviours: [{ match: { transaction: "signIn" as const }, processingRequirement: 1, times: 1 }],
    };
    const day = await start(host, dir);
    const { app } = day.t;
    expect(app.tms.lastOutcome).toMatchObject({ ok: true });
    expect(app.tms.parameters).toMatchObject({ timeoutSeconds: 45, retries: 3, manualEntryAllowed: false });
    expect(app.link.responseTimeoutMs).toBe(45_000);
    await day.t.stop({ keepDir: true });
    days.splice(days.indexOf(day), 1);
    const again = await start(undefined, dir);
    expect(again.t.app.link.responseTimeoutMs).toBe(45_000);
  });

  it("a CAPK with a bad checksum is refused and the old file is kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tms-rig-"));
    dirs.push(dir);
    const old = `${JSON.stringify(loadTestCapks().slice(0, 1), null, 2)}\n`;
    mkdirSync(join(dir, "data"), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, "data", "capks.json"), old, { mode: 0o600 });
    const capks = loadTestCapks().map((c, i) => ({ ...c, hash: i === 1 ? "00".repeat(20) : c.hash }));
    const day = await start(
      {
        tms: { capks },
        behaviours: [{ match: { transaction: "signIn" }, processingRequirement: 4, times: 1 }],
      },
      dir,
    );
    const outcome = day.t.app.tms.lastOutcome!;
    expect(outcome.ok).toBe(false);
    expect(outcome.en).toMatch(/checksum/);
    expect(readFileSync(join(storage(day), "capks.json"), "utf8")).toBe(old);
    expect(readdirSync(storage(day)).some((f) => f.endsWith(".tmp"))).toBe(false);
    // Still owed: the next sign-in (or the menu) asks again.
    expect(day.t.app.session.pendingRequirement).toBe(4);
  });

  it("a black-listed card is refused before any request reaches the host", async () => {
    const day = await start({
      tms: { blacklist: [PAN["cup-magstripe"], PAN["cup-debit"]] },
      behaviours: [{ match: { transaction: "signIn" }, processingRequirement: 6, times: 1 }],
    });
    const { app } = day.t;
    expect(app.tms.lastOutcome).toMatchObject({ ok: true, counts: { blacklist: 2 } });
    expect(existsSync(join(storage(day), "blacklist.json"))).toBe(true);
    expect(existsSync(join(storage(day), "tms-params.json"))).toBe(true);
    expect(app.tms.parameters).toMatchObject({ timeoutSeconds: 60, retries: 3 });
    const before = day.wire.length;
    await expect(pay(day.t, { amount: 1000, card: swipe("cup-magstripe") })).rejects.toThrow(/black list/);
    await expect(pay(day.t, { amount: 1000, card: insert("cup-debit") })).rejects.toThrow(/black list/);
    expect(day.wire.slice(before).filter((w) => w.mti.startsWith("02"))).toEqual([]);
    expect(day.t.host.ledger().transactions).toEqual([]);
    // A card not on the list goes through.
    expect((await pay(day.t, { amount: 1000, card: swipe("cup-credit") })).status).toBe("approved");
  });
});
