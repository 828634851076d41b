import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AcquirerReply } from "../../../firmware/acquirer/acquirer-link.js";
import { splitSignInKeys, unwrapWorkingKeys } from "../../../protocol/crypto/working-keys.js";
import { fromHex } from "../../../protocol/hex.js";
import { DEFAULT_TMK_HEX } from "../../../tools/host-sim/default-cards.js";
import { type Day, insert, PAN, pay, quick, row, signal, startDay, swipe } from "./support/rig-day.js";

/** Every file and directory under `dir` (symlinks are reported as files: lstat). */
function walk(dir: string): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [dir];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = walk(path);
      files.push(...inner.files);
      dirs.push(...inner.dirs);
    } else {
      files.push(path);
    }
  }
  return { files, dirs };
}

/** A secret's byte forms a leak would take: raw, hex in either case, and the digits as text. */
function forms(secret: Buffer | string): Buffer[] {
  if (typeof secret === "string") return [Buffer.from(secret, "latin1")];
  const hex = secret.toString("hex");
  return [secret, Buffer.from(hex.toUpperCase(), "latin1"), Buffer.from(hex.toLowerCase(), "latin1")];
}

/**
 * What the terminal leaves on disk after a day's work (sign-in, sales, slips, settlement): owner-only
 * modes everywhere, a key store that holds no key in any form, no clear PAN and no key anywhere.
 * Complements sales.test.ts (journal + log PAN scan), demo.test.ts (demo artefacts), key-store.test.ts
 * and schema.test.ts (those two files' modes) with the whole directory as one run leaves it.
 */
describe("files the terminal writes", () => {
  let day: Day;
  const workingKeys: Buffer[] = [];
  const tmk = fromHex(DEFAULT_TMK_HEX, "tmk");
  const usedPans = [PAN["cup-magstripe"], PAN["cup-debit"]];

  beforeAll(async () => {
    day = await startDay(quick(), false);
    // The sign-in answer's field 62, unwrapped here under the test TMK: the working keys to scan for.
    const link = day.t.app.link;
    const exchange = link.exchange.bind(link);
    link.exchange = async (body, expect, abort): Promise<AcquirerReply> => {
      const reply = await exchange(body, expect, abort);
      const field62 = reply.message.fields[62];
      if (reply.message.mti === "0810" && field62) {
        const { keys } = splitSignInKeys(Buffer.from(field62, "hex"));
        workingKeys.push(...unwrapWorkingKeys(tmk, keys).values());
      }
      return reply;
    };
    await day.t.app.signIn(signal());
    for (const [card, amount] of [
      [swipe("cup-magstripe"), 1250],
      [insert("cup-debit"), 3300],
    ] as const) {
      const result = await pay(day.t, { amount, card });
      expect(result.status).toBe("approved");
      expect((await day.t.app.printSlip(row(day.t, result).id)).ok).toBe(true);
    }
    expect((await day.t.app.settle(signal())).result).toBe("balanced");
    // A slip held by paper-out stays in the spool: its file is checked too.
    const held = await pay(day.t, { amount: 700, card: swipe("cup-magstripe") });
    day.t.rig.paperOut();
    expect((await day.t.app.printSlip(row(day.t, held).id)).ok).toBe(false);
  }, 60_000);
  afterAll(async () => {
    day?.t.rig.paperIn();
    await day?.t.stop();
    for (const key of workingKeys) key.fill(0);
    tmk.fill(0);
  });

  it("signed in with working keys to look for", () => {
    expect(workingKeys.length).toBeGreaterThanOrEqual(2);
    expect(day.t.app.session.signedIn).toBe(true);
  });

  it("every file is 0600 and every directory 0700, journal WAL, key store, spool, slips and log included", () => {
    const { files, dirs } = walk(day.t.dir);
    const names = files.map((f) => relative(day.t.dir, f));
    for (const expected of [
      "terminal.json",
      "terminal.log",
      "data/journal.db",
      "data/journal.db-wal",
      "data/keys/keys.json",
      "data/keys/device.key",
    ]) {
      expect(names).toContain(expected);
    }
    expect(names.some((n) => n.startsWith("slips/"))).toBe(true);
    expect(names.some((n) => n.startsWith("data/spool/"))).toBe(true);
    const loose = [
      ...files
        .filter((f) => (lstatSync(f).mode & 0o777) !== 0o600)
        .map((f) => `${relative(day.t.dir, f)} ${(lstatSync(f).mode & 0o777).toString(8)}`),
      ...dirs
        .filter((d) => (lstatSync(d).mode & 0o777) !== 0o700)
        .map((d) => `${relative(day.t.dir, d) || "."}/ ${(lstatSync(d).mode & 0o777).toString(8)}`),
    ];
    expect(loose).toEqual([]);
    expect(files.every((f) => lstatSync(f).isFile())).toBe(true);
  });

  it("the key store file holds neither the TMK nor any working key, raw or hex", () => {
    const store = readFileSync(join(day.t.dir, "data", "keys", "keys.json"));
    expect(store.length).toBeGreaterThan(0);
    for (const [i, key] of [tmk, ...workingKeys].entries()) {
      for (const form of forms(key)) expect(store.includes(form), `key ${i} in keys.json`).toBe(false);
    }
  });

  it("nothing under the directory holds a used card's clear PAN, the TMK or a working key", () => {
    const { files } = walk(day.t.dir);
    const found: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const pan of usedPans)
        if (bytes.includes(Buffer.from(pan, "latin1"))) found.push(`PAN in ${file}`);
      for (const [i, key] of [tmk, ...workingKeys].entries())
        for (const form of forms(key)) if (bytes.includes(form)) found.push(`key ${i} in ${file}`);
    }
    expect(found).toEqual([]);
  });
});
