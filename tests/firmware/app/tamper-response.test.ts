import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  SECURITY_EVENTS_FILE,
  type SecurityEvent,
  TamperResponse,
  TerminalTamperedError,
} from "../../../firmware/app/tamper-response.js";
import { FileSecureElement } from "../../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../../firmware/keys/key-store.js";
import { KeyStoreError } from "../../../firmware/keys/key-store-error.js";
import { TransactionError } from "../../../firmware/transactions/transaction-error.js";
import { tdesEcbEncrypt } from "../../../protocol/crypto/cipher.js";
import { fromHex } from "../../../protocol/hex.js";
import { useTempDirs } from "../../support/temp-dir.js";

const TMK = fromHex("CA5D92598DCA48CE8A4C76361A9269E9");
const PIK = fromHex("807A23AD32B36D457AE91FDF927570EA");
const MAK = fromHex("5BB5C72CD00B7338");

const tempDir = useTempDirs();

function wrap(key: Buffer): Buffer {
  const field = Buffer.alloc(16);
  tdesEcbEncrypt(TMK, key).copy(field);
  return Buffer.concat([field, tdesEcbEncrypt(key, Buffer.alloc(8)).subarray(0, 4)]);
}

function openStore(dir: string): KeyStore {
  return new KeyStore(join(dir, "keys"), new FileSecureElement(join(dir, "keys", "device.key")));
}

function setup(dir = tempDir(), keyed = true) {
  const keys = openStore(dir);
  if (keyed) {
    keys.loadTmk(Buffer.from(TMK));
    keys.installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK)]));
  }
  const session = { reSignInRequired: false };
  const logged: { level: string; fields: object; message: string }[] = [];
  const log = {
    info: (fields: object, message: string) => logged.push({ level: "info", fields, message }),
    warn: (fields: object, message: string) => logged.push({ level: "warn", fields, message }),
    error: (fields: object, message: string) => logged.push({ level: "error", fields, message }),
  };
  const eventsPath = join(dir, SECURITY_EVENTS_FILE);
  const clock = () => new Date("2026-11-23T08:00:00Z");
  const tamper = new TamperResponse({ keys, session, log, eventsPath, clock });
  const events: SecurityEvent[] = [];
  tamper.onEvent((event) => events.push(event));
  return { dir, keys, session, logged, eventsPath, tamper, events };
}

const journalLines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { event: string; source: string });

describe("TamperResponse", () => {
  it("erases every key, drops the sign-in, journals and emits TAMPER once", () => {
    const t = setup();
    const storeFile = join(t.dir, "keys", "keys.json");
    const saved = join(t.dir, "keys.json.copy");
    copyFileSync(storeFile, saved);
    t.tamper.respond("pinpad");
    expect(t.tamper.tampered).toBe(true);
    expect(t.keys.status()).toEqual([]);
    expect(t.keys.has("tmk") || t.keys.has("pik") || t.keys.has("mak")).toBe(false);
    expect(t.session.reSignInRequired).toBe(true);
    expect(t.events).toEqual([{ type: "TAMPER" }]);
    expect(existsSync(storeFile)).toBe(false);
    expect(existsSync(join(t.dir, "keys", "device.key"))).toBe(false);
    // The store file as it was before the tamper opens no key: the device key is destroyed.
    writeFileSync(storeFile, readFileSync(saved));
    const reopened = openStore(t.dir);
    expect(reopened.has("mak")).toBe(true);
    expect(() => reopened.macUnionPayEcb(Buffer.alloc(8))).toThrow(KeyStoreError);
    // A repeated report (the pad's latch on OPN) erases again but is not a second event.
    t.tamper.respond("pinpad");
    expect(t.events).toHaveLength(1);
    expect(journalLines(t.eventsPath)).toEqual([
      { at: "2026-11-23T08:00:00.000Z", event: "tamper", source: "pinpad" },
    ]);
    expect(statSync(t.eventsPath).mode & 0o777).toBe(0o600);
  });

  it("logs and journals no key material", () => {
    const t = setup();
    t.tamper.respond("pinpad");
    const written = JSON.stringify(t.logged) + readFileSync(t.eventsPath, "utf8");
    for (const key of [TMK, PIK, MAK]) {
      expect(written).not.toContain(key.toString("hex"));
      expect(written.toUpperCase()).not.toContain(key.toString("hex").toUpperCase());
    }
    expect(t.logged).toContainEqual(
      expect.objectContaining({ level: "error", fields: { event: "tamper", source: "pinpad" } }),
    );
  });

  it("refuses sign-in, pay and settle with a typed error, before running anything", async () => {
    const t = setup();
    expect(() => t.tamper.assertMayTrade("pay")).not.toThrow();
    t.tamper.respond("tamper-line");
    for (const operation of ["sign-in", "pay", "settle"] as const) {
      expect(() => t.tamper.assertMayTrade(operation)).toThrow(TerminalTamperedError);
      let ran = false;
      const refusal = await t.tamper
        .guard(operation, async () => {
          ran = true;
        })
        .catch((error: unknown) => error);
      expect(ran).toBe(false);
      expect(refusal).toBeInstanceOf(TerminalTamperedError);
      expect(refusal).toBeInstanceOf(TransactionError);
      expect(refusal).toMatchObject({ operation, code: "no-keys", zh: expect.stringContaining("密钥") });
    }
  });

  it("stays tampered until a TMK is loaded; then REKEYED and trading is allowed", async () => {
    const t = setup();
    t.tamper.respond("pinpad");
    t.tamper.rekey(() => undefined);
    expect(t.tamper.tampered).toBe(true);
    const status = t.tamper.rekey((keys) => keys.loadTmk(Buffer.from(TMK)));
    expect(status.slot).toBe("tmk");
    expect(t.tamper.tampered).toBe(false);
    expect(t.events).toEqual([{ type: "TAMPER" }, { type: "REKEYED" }]);
    expect(await t.tamper.guard("pay", async () => "ran")).toBe("ran");
    expect(journalLines(t.eventsPath).map((e) => e.event)).toEqual(["tamper", "rekeyed"]);
    // Working keys come from the next sign-in, under the new device key.
    t.keys.installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK)]));
    expect(t.keys.has("mak")).toBe(true);
  });

  it("survives a reboot: still tampered with no TMK; a TMK loaded while off counts as the re-key", () => {
    const dir = tempDir();
    setup(dir).tamper.respond("pinpad");
    const again = setup(dir, false);
    expect(again.tamper.tampered).toBe(true);
    expect(() => again.tamper.assertMayTrade("sign-in")).toThrow(TerminalTamperedError);
    // `posctl keys load` with the terminal off: another KeyStore instance writes the TMK.
    openStore(dir).loadTmk(Buffer.from(TMK));
    const rekeyed = setup(dir, false);
    expect(rekeyed.tamper.tampered).toBe(false);
    expect(journalLines(rekeyed.eventsPath).map((e) => [e.event, e.source])).toEqual([
      ["tamper", "pinpad"],
      ["rekeyed", "key-load at boot"],
    ]);
  });

  it("a torn last journal line (power cut) does not hide the tamper before it", () => {
    const dir = tempDir();
    const t = setup(dir);
    t.tamper.respond("pinpad");
    writeFileSync(t.eventsPath, `${readFileSync(t.eventsPath, "utf8")}{"at":"2026`);
    expect(setup(dir, false).tamper.tampered).toBe(true);
  });

  it("a failing listener does not stop the response", () => {
    const t = setup();
    t.tamper.onEvent(() => {
      throw new Error("screen gone");
    });
    t.tamper.respond("pinpad");
    expect(t.keys.has("tmk")).toBe(false);
    expect(t.events).toEqual([{ type: "TAMPER" }]);
  });
});
