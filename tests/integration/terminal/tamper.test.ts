import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SecurityEvent, TerminalTamperedError } from "../../../firmware/app/tamper-response.js";
import { FileSecureElement } from "../../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../../firmware/keys/key-store.js";
import { KeyStoreError } from "../../../firmware/keys/key-store-error.js";
import { fromHex } from "../../../protocol/hex.js";
import { DEFAULT_TMK_HEX } from "../../../tools/host-sim/default-cards.js";
import { type Day, ledger, pay, quick, signal, startDay, swipe, until } from "./support/rig-day.js";

/** The rig's PIN pad tamper switch: keys erased on both sides, trading refused until re-keyed. */
describe("tamper on the rig", () => {
  let day: Day;
  const events: SecurityEvent[] = [];
  beforeAll(async () => {
    day = await startDay(quick());
    day.t.app.tamper.onEvent((event) => events.push(event));
  });
  afterAll(async () => {
    await day?.t.stop();
  });

  const keysDir = () => join(day.t.dir, "data", "keys");

  it("signed in and trading before the tamper", async () => {
    expect(day.t.app.session.signedIn).toBe(true);
    expect((await pay(day.t, { amount: 1000, card: swipe("cup-magstripe") })).status).toBe("approved");
  });

  it("rig.tamper(): the pad reports, the terminal erases its keys and tells the chart", async () => {
    const { t } = day;
    const storeFile = join(keysDir(), "keys.json");
    copyFileSync(storeFile, join(t.dir, "keys.json.before-tamper"));
    t.rig.tamper();
    await until(() => t.app.tamper.tampered, "the tamper response");
    expect(events).toEqual([{ type: "TAMPER" }]);
    expect(t.rig.pinpad.keys.isEmpty).toBe(true);
    expect(t.app.keys.status()).toEqual([]);
    expect(t.app.session.signedIn).toBe(false);
    expect(existsSync(storeFile)).toBe(false);
    expect(existsSync(join(keysDir(), "device.key"))).toBe(false);
    // The key store file as it was opens no key any more: its device key is destroyed.
    writeFileSync(storeFile, readFileSync(join(t.dir, "keys.json.before-tamper")));
    const stolen = new KeyStore(keysDir(), new FileSecureElement(join(keysDir(), "device.key")));
    expect(stolen.has("mak")).toBe(true);
    expect(() => stolen.macUnionPayEcb(Buffer.alloc(8))).toThrow(KeyStoreError);
    expect(() => stolen.encryptPinBlock(Buffer.alloc(8))).toThrow(KeyStoreError);
    t.app.keys.erase();
    // Journaled and logged without a key.
    const journal = readFileSync(join(t.dir, "data", "security-events.jsonl"), "utf8");
    expect(journal).toContain('"event":"tamper"');
    const log = readFileSync(t.logPath, "utf8");
    expect(log).toContain("tamper detected");
    expect(log.toUpperCase()).not.toContain(DEFAULT_TMK_HEX.toUpperCase());
  });

  it("refuses pay, settle and sign-in with the typed error; nothing reaches the host", async () => {
    const { t, wire } = day;
    const sentBefore = wire.length;
    const ledgerBefore = ledger(t).length;
    await expect(t.app.pay({ type: "sale", amount: 500, signal: signal() })).rejects.toBeInstanceOf(
      TerminalTamperedError,
    );
    await expect(t.app.settle(signal())).rejects.toMatchObject({ operation: "settle" });
    await expect(t.app.signIn(signal())).rejects.toMatchObject({
      name: "TerminalTamperedError",
      operation: "sign-in",
    });
    expect(wire.length).toBe(sentBefore);
    expect(ledger(t).length).toBe(ledgerBefore);
  });

  it("the TMK injected again (pad and terminal) → REKEYED → sign-in → sale approved", async () => {
    const { t } = day;
    t.rig.rekeyPinPad();
    const tmk = fromHex(DEFAULT_TMK_HEX, "tmk");
    try {
      t.app.tamper.rekey((keys) => keys.loadTmk(tmk));
    } finally {
      tmk.fill(0);
    }
    expect(t.app.tamper.tampered).toBe(false);
    expect(events).toEqual([{ type: "TAMPER" }, { type: "REKEYED" }]);
    await t.app.signIn(signal());
    expect(t.app.session.signedIn).toBe(true);
    const result = await pay(t, { amount: 2500, card: swipe("cup-magstripe") });
    expect(result.status).toBe("approved");
    expect(t.app.tamper.tampered).toBe(false);
  });
});
