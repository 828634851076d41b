import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UNIONPAY_DEFAULTS, unionPayTerminalConfig } from "../../../firmware/emv/shared/terminal-config.js";
import { replaceFiles, TerminalTms } from "../../../firmware/tms/index.js";
import { TransactionError } from "../../../firmware/transactions/transaction-error.js";
import { CapkStore } from "../../../protocol/emv/index.js";
import type { AidRecord } from "../../../protocol/iso8583/tms/index.js";
import { counters, fakeHost, testCapkRecords } from "./fake-host.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const quiet = { info() {}, warn() {}, error() {} };

function setup(host = fakeHost()) {
  const dir = mkdtempSync(join(tmpdir(), "tms-"));
  dirs.push(dir);
  const capks = new CapkStore();
  const emv = unionPayTerminalConfig();
  const tms = new TerminalTms({
    dir,
    link: host,
    counters,
    capks,
    emv,
    emvInput: UNIONPAY_DEFAULTS,
    log: quiet,
  });
  return { dir, capks, emv, tms, host };
}

const debitAid: AidRecord = {
  aid: "A000000333010101",
  tacOnline: "FFFFFFFFFF",
  floorLimit: 5000,
  contactlessTransactionLimit: 200_000,
  contactlessFloorLimit: 0,
  cvmLimit: 30_000,
  other: [],
};

describe("TerminalTms", () => {
  it("downloads everything, writes the four files 0600 and applies them to the running terminal", async () => {
    const pans = ["6225880000000001"];
    const { dir, capks, emv, tms } = setup(fakeHost({ aids: [debitAid], blacklist: pans }));
    const outcome = await tms.downloadAll();
    expect(outcome).toMatchObject({ ok: true, counts: { capks: 3, aids: 1, blacklist: 1, parameters: 3 } });
    expect(outcome.zh).toMatch(/参数下载成功/);
    for (const name of ["capks.json", "aids.json", "blacklist.json", "tms-params.json"]) {
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    }
    expect(readdirSync(dir).some((f) => f.endsWith(".tmp"))).toBe(false);
    expect(capks.size).toBe(3);
    expect(CapkStore.fromJson(readFileSync(join(dir, "capks.json"), "utf8")).size).toBe(3);
    // The AID list is the TMS's; what the record leaves out comes from the terminal's own entry.
    expect(emv.aids).toHaveLength(1);
    expect(emv.aids[0]).toMatchObject({ label: "UnionPay Debit", floorLimit: 5000, partialSelection: true });
    expect(emv.aids[0]!.tacOnline.toString("hex")).toBe("ffffffffff");
    expect(emv.aids[0]!.contactless).toMatchObject({
      transactionLimit: 200_000,
      cvmLimit: 30_000,
      kernelId: 7,
    });
    expect(tms.isBlacklisted("6225880000000001")).toBe(true);
    expect(tms.parameters).toEqual({ timeoutSeconds: 45, retries: 2, manualEntryAllowed: true });
  });

  it("boot loads the files a download wrote", async () => {
    const first = setup(fakeHost({ aids: [debitAid], blacklist: ["6225880000000001"] }));
    await first.tms.downloadAll();
    const capks = new CapkStore();
    const emv = unionPayTerminalConfig();
    const again = new TerminalTms({
      dir: first.dir,
      link: fakeHost(),
      counters,
      capks,
      emv,
      emvInput: UNIONPAY_DEFAULTS,
      log: quiet,
    });
    again.load();
    expect(capks.size).toBe(3);
    expect(emv.aids.map((a) => a.floorLimit)).toEqual([5000]);
    expect(again.isBlacklisted(Buffer.from("6225880000000001"))).toBe(true);
    expect(again.parameters.timeoutSeconds).toBe(45);
  });

  it("hands the parameters and AIDs in force to the terminal, and skips a parameter file that does not check out", async () => {
    const seen: unknown[] = [];
    const aidLists: string[][] = [];
    const dir = mkdtempSync(join(tmpdir(), "tms-"));
    dirs.push(dir);
    const warnings: string[] = [];
    const open = () =>
      new TerminalTms({
        dir,
        link: fakeHost({ aids: [debitAid] }),
        counters,
        capks: new CapkStore(),
        emv: unionPayTerminalConfig(),
        emvInput: UNIONPAY_DEFAULTS,
        log: { ...quiet, warn: (_o: unknown, m: string) => warnings.push(m) },
        onParameters: (p) => seen.push(p),
        onAids: (aids) => aidLists.push(aids.map((a) => a.aid.toString("hex"))),
      });
    expect((await open().downloadAll()).ok).toBe(true);
    expect(seen).toEqual([{ timeoutSeconds: 45, retries: 2, manualEntryAllowed: true }]);
    open().load();
    expect(seen).toHaveLength(2);
    // The AID list in force, after the download and again at boot (the contactless entry point is rebuilt).
    expect(aidLists).toEqual([["a000000333010101"], ["a000000333010101"]]);
    for (const bad of [{ timeoutSeconds: "45" }, { timeoutSeconds: 45, dialPrefix: "9" }, [1, 2]]) {
      writeFileSync(join(dir, "tms-params.json"), JSON.stringify(bad));
      const tms = open();
      tms.load();
      expect(tms.parameters).toEqual({});
    }
    expect(seen).toHaveLength(2);
    expect(warnings.filter((w) => w === "TMS file ignored")).toHaveLength(3);
  });

  it("a bad checksum refuses the whole download: nothing written, nothing applied", async () => {
    const host = fakeHost({ blacklist: ["6225880000000001"] });
    host.data.capks = testCapkRecords().map((c, i) => (i === 2 ? { ...c, checksum: "00".repeat(20) } : c));
    const { dir, capks, tms } = setup(host);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "blacklist.json"), "[]\n");
    const outcome = await tms.downloadAll();
    expect(outcome.ok).toBe(false);
    expect(outcome.en).toMatch(/checksum/);
    expect(readFileSync(join(dir, "blacklist.json"), "utf8")).toBe("[]\n");
    expect(readdirSync(dir).sort()).toEqual(["blacklist.json"]);
    expect(capks.size).toBe(0);
    expect(tms.isBlacklisted("6225880000000001")).toBe(false);
  });

  it("an AID the EMV config parser refuses keeps the old AIDs", async () => {
    const unknownAid: AidRecord = { aid: "A000000999010101", other: [] };
    const { dir, emv, tms } = setup(fakeHost({ aids: [unknownAid] }));
    const outcome = await tms.run(["aids"]);
    expect(outcome.ok).toBe(false);
    expect(outcome.en).toMatch(/aids\[0\]/);
    expect(emv.aids).toHaveLength(UNIONPAY_DEFAULTS.aids.length);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("runs the pending 处理要求 once, and keeps it owed when the download fails", async () => {
    const host = fakeHost({ refuse: { code: "372", with: "96" } });
    const { tms } = setup(host);
    host.pendingRequirement = 4;
    expect((await tms.runPending())?.ok).toBe(false);
    expect(host.pendingRequirement).toBe(4);
    host.data.refuse = undefined;
    expect((await tms.runPending())?.ok).toBe(true);
    expect(host.pendingRequirement).toBeUndefined();
    expect(await tms.runPending()).toBeUndefined();
  });

  it("screens a black-listed card with a zh/en refusal", async () => {
    const { tms } = setup(fakeHost({ blacklist: ["6225880000000001"] }));
    await tms.run(["blacklist"]);
    const refusal = (() => {
      try {
        tms.screenCard({ pan: Buffer.from("6225880000000001") });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(TransactionError);
    expect(refusal).toMatchObject({
      zh: expect.stringMatching(/黑名单/),
      en: expect.stringMatching(/black list/),
    });
    expect(() => tms.screenCard({ pan: Buffer.from("6225880000000002") })).not.toThrow();
    expect(() => tms.screenCard({})).not.toThrow();
  });
});

describe("replaceFiles", () => {
  it("a failure midway leaves the old files and no temporaries", () => {
    const dir = mkdtempSync(join(tmpdir(), "tms-files-"));
    dirs.push(dir);
    writeFileSync(join(dir, "a.json"), "old");
    expect(() => replaceFiles(dir, { "a.json": "new", "missing/b.json": "new" })).toThrow();
    expect(readFileSync(join(dir, "a.json"), "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["a.json"]);
    replaceFiles(dir, { "a.json": "new" });
    expect(readFileSync(join(dir, "a.json"), "utf8")).toBe("new");
  });
});
