import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { storageLayout } from "../../../firmware/admin/index.js";
import { FileSecureElement } from "../../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../../firmware/keys/key-store.js";
import { keyCheckValue } from "../../../protocol/crypto/kcv.js";
import type { Tr31HeaderFields } from "../../../protocol/crypto/tr31/header-encode.js";
import { Tr31Error } from "../../../protocol/crypto/tr31/tr31-error.js";
import { wrapTr31 } from "../../../protocol/crypto/tr31/wrap.js";
import { toHex } from "../../../protocol/hex.js";
import {
  KeyLoadError,
  type KeyLoadingFile,
  kbpkFromHexBytes,
  loadKeys,
  parseKeyLoadingFile,
  readKeyLoads,
} from "../../../tools/keys/index.js";
import { posctl, resetExitCode } from "../../support/posctl.js";
import { useTempDirs } from "../../support/temp-dir.js";

const KBPK = Buffer.from("89E88CF7931444F334BD7547FC3F380C", "hex");
const TMK = Buffer.from("0123456789ABCDEFFEDCBA9876543210", "hex");
const IPEK = Buffer.from("6AC292FAA1315B4D858AB3A3D7D5933A", "hex");
const KSN = "FFFF9876543210E00000";
const TID = "12345678";
const fixed = (n: number) => Buffer.alloc(n, 0x5a);

function block(fields: Partial<Tr31HeaderFields>, key: Buffer, kbpk = KBPK): string {
  return wrapTr31(kbpk, { version: "B", keyUsage: "K0", algorithm: "T", modeOfUse: "D", ...fields }, key, {
    random: fixed,
  });
}
const kcv = (key: Buffer) => toHex(keyCheckValue("tdes", key, { length: 3 }));

function tmkFile(overrides: Partial<KeyLoadingFile> = {}): KeyLoadingFile {
  return { terminalId: TID, blocks: [{ slot: "tmk", tr31: block({}, TMK), kcv: kcv(TMK) }], ...overrides };
}

function storeOf(dir: string): KeyStore {
  const layout = storageLayout(dir);
  return new KeyStore(layout.keysDir, new FileSecureElement(layout.deviceKey));
}

const tempDir = useTempDirs();

describe("loadKeys", () => {
  it("loads the TMK, checks its KCV and records KCV and header, never the key or the encrypted part", () => {
    const dir = tempDir();
    const file = tmkFile();
    const loaded = loadKeys({ storageDir: dir, terminalId: TID, kbpk: KBPK, file, clock: () => new Date(0) });
    expect(loaded).toEqual([{ slot: "tmk", kcv: kcv(TMK), header: file.blocks[0]!.tr31.slice(0, 16) }]);
    expect(storeOf(dir).status("tmk")?.kcv.startsWith(kcv(TMK))).toBe(true);
    const logPath = join(dir, "key-loads.jsonl");
    expect(statSync(logPath).mode & 0o777).toBe(0o600);
    const [record] = readKeyLoads(logPath);
    expect(record).toEqual({
      time: "1970-01-01T00:00:00.000Z",
      terminalId: TID,
      slot: "tmk",
      kcv: kcv(TMK),
      header: file.blocks[0]!.tr31.slice(0, 16),
    });
    const text = readFileSync(logPath, "utf8");
    expect(text).not.toContain(toHex(TMK));
    expect(text).not.toContain(file.blocks[0]!.tr31.slice(16));
  });

  it("loads a DUKPT initial key with its KSN, and a second load appends to the record", () => {
    const dir = tempDir();
    loadKeys({ storageDir: dir, terminalId: TID, kbpk: KBPK, file: tmkFile() });
    const dukpt = block({ keyUsage: "B1", modeOfUse: "X" }, IPEK);
    loadKeys({
      storageDir: dir,
      terminalId: TID,
      kbpk: KBPK,
      file: { terminalId: TID, blocks: [{ slot: "dukpt", tr31: dukpt, kcv: kcv(IPEK), ksn: KSN }] },
    });
    expect(storeOf(dir).dukptStatus()).toEqual({ scheme: "tdes", nextKsn: "FFFF9876543210E00001" });
    expect(storeOf(dir).has("tmk")).toBe(true);
    const records = readKeyLoads(join(dir, "key-loads.jsonl"));
    expect(records.map((r) => r.slot)).toEqual(["tmk", "dukpt"]);
    expect(records[1]!.ksn).toBe(KSN);
  });

  it("loads an AES DUKPT key (version D, CMAC check value, KSN from the IK block)", () => {
    const dir = tempDir();
    const kbpk = Buffer.alloc(32, 0x11);
    const key = Buffer.alloc(16, 0x22);
    const tr31 = wrapTr31(
      kbpk,
      {
        version: "D",
        keyUsage: "B1",
        algorithm: "A",
        modeOfUse: "X",
        optionalBlocks: [{ id: "IK", value: "123456789012345600000000".slice(0, 16) }],
      },
      key,
      { random: fixed },
    );
    const check = toHex(keyCheckValue("aes", key));
    loadKeys({
      storageDir: dir,
      terminalId: TID,
      kbpk,
      file: { terminalId: TID, blocks: [{ slot: "dukpt", tr31, kcv: check }] },
    });
    expect(storeOf(dir).dukptStatus()?.scheme).toBe("aes");
  });

  describe("refusals leave the key store as it was", () => {
    function refused(file: KeyLoadingFile, kbpk = KBPK, terminalId = TID): unknown {
      const dir = tempDir();
      loadKeys({ storageDir: dir, terminalId: TID, kbpk: KBPK, file: tmkFile() });
      const before = readFileSync(join(storageLayout(dir).keysDir, "keys.json"));
      let caught: unknown;
      try {
        loadKeys({ storageDir: dir, terminalId, kbpk, file });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeDefined();
      expect(readFileSync(join(storageLayout(dir).keysDir, "keys.json"))).toEqual(before);
      expect(readKeyLoads(join(dir, "key-loads.jsonl"))).toHaveLength(1);
      return caught;
    }
    const otherTmk = Buffer.from("00112233445566778899AABBCCDDEEFF", "hex");

    it("wrong terminal ID", () => {
      const error = refused({ ...tmkFile(), terminalId: "87654321" });
      expect(error).toBeInstanceOf(KeyLoadError);
      expect(String(error)).toMatch(/terminal 87654321, this is 12345678/);
    });

    it("wrong key usage for the slot (a PIN key offered as TMK; a TMK offered as DUKPT key)", () => {
      const pinKey = block({ keyUsage: "P0", modeOfUse: "E" }, otherTmk);
      expect(
        String(refused(tmkFile({ blocks: [{ slot: "tmk", tr31: pinKey, kcv: kcv(otherTmk) }] }))),
      ).toMatch(/blocks\[0\] \(tmk\): wrong key for the slot: .*key usage P0/);
      const asDukpt = tmkFile({
        blocks: [{ slot: "dukpt", tr31: block({}, otherTmk), kcv: kcv(otherTmk), ksn: KSN }],
      });
      expect(String(refused(asDukpt))).toMatch(/key usage K0 where B1/);
    });

    it("wrong mode of use (an encrypt-only K0)", () => {
      const encryptOnly = block({ modeOfUse: "E" }, otherTmk);
      expect(
        String(refused(tmkFile({ blocks: [{ slot: "tmk", tr31: encryptOnly, kcv: kcv(otherTmk) }] }))),
      ).toMatch(/mode of use E/);
    });

    it("wrong KCV on any block refuses the whole file, the good block included", () => {
      const file = tmkFile({
        blocks: [
          { slot: "tmk", tr31: block({}, otherTmk), kcv: kcv(otherTmk) },
          { slot: "dukpt", tr31: block({ keyUsage: "B1", modeOfUse: "X" }, IPEK), kcv: "000000", ksn: KSN },
        ],
      });
      expect(String(refused(file))).toMatch(/blocks\[1\] \(dukpt\): check value 000000 does not match/);
    });

    it("a KBPK of the wrong length, and the wrong KBPK", () => {
      expect(String(refused(tmkFile(), Buffer.alloc(32, 1)))).toMatch(/32-byte KBPK cannot open a version B/);
      expect(String(refused(tmkFile(), Buffer.alloc(20, 1)))).toMatch(/KBPK must be 16, 24 or 32 bytes/);
      expect(refused(tmkFile(), Buffer.alloc(16, 1))).toBeInstanceOf(Tr31Error);
    });

    it("a DUKPT block without any KSN", () => {
      const dukpt = block({ keyUsage: "B1", modeOfUse: "X" }, IPEK);
      expect(String(refused(tmkFile({ blocks: [{ slot: "dukpt", tr31: dukpt, kcv: kcv(IPEK) }] })))).toMatch(
        /no KSN/,
      );
    });
  });
});

describe("key-loading file and KBPK file", () => {
  it("names the field at fault", () => {
    expect(() =>
      parseKeyLoadingFile(
        { terminalId: TID, blocks: [{ slot: "pik", tr31: "x".repeat(20), kcv: "00" }] },
        "f.json",
      ),
    ).toThrow(/f.json: blocks\[0\].slot/);
    expect(() => parseKeyLoadingFile({ terminalId: TID, blocks: [] }, "f.json")).toThrow(/blocks/);
    const b = tmkFile().blocks[0]!;
    expect(() => parseKeyLoadingFile({ terminalId: TID, blocks: [b, b] }, "f.json")).toThrow(
      /more than one block for slot tmk/,
    );
  });

  it("decodes hex bytes with surrounding whitespace and refuses bad hex and lengths", () => {
    expect(kbpkFromHexBytes(Buffer.from(` ${toHex(KBPK).toLowerCase()}\n`))).toEqual(KBPK);
    expect(() => kbpkFromHexBytes(Buffer.from("zz".repeat(16)))).toThrow(KeyLoadError);
    expect(() => kbpkFromHexBytes(Buffer.from("00".repeat(10)))).toThrow(/16, 24 or 32 bytes, got 10/);
    expect(() => kbpkFromHexBytes(Buffer.from("000"))).toThrow(/whole bytes/);
  });
});

describe("posctl keys load", () => {
  resetExitCode();

  function files(dir: string, file: KeyLoadingFile) {
    writeFileSync(join(dir, "keys.json.in"), JSON.stringify(file));
    writeFileSync(join(dir, "kbpk.hex"), `${toHex(KBPK)}\n`, { mode: 0o600 });
    return ["--file", join(dir, "keys.json.in"), "--kbpk-file", join(dir, "kbpk.hex")];
  }

  it("loads and prints the KCV, never the key", async () => {
    const dir = tempDir();
    const result = await posctl("keys", "load", "--dir", dir, ...files(dir, tmkFile()), "--terminal-id", TID);
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(result.stdout).toBe(`loaded tmk into ${TID}: KCV ${kcv(TMK)}\n`);
    expect(existsSync(join(dir, "key-loads.jsonl"))).toBe(true);
  });

  it("takes the terminal ID from --config and refuses another terminal's file with exit 2", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "terminal.json"), JSON.stringify({ terminal: { terminalId: "99999999" } }));
    const result = await posctl(
      "keys",
      "load",
      "--dir",
      dir,
      ...files(dir, tmkFile()),
      "--config",
      join(dir, "terminal.json"),
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^posctl: key-loading file is for terminal 12345678, this is 99999999/);
    expect(existsSync(join(dir, "key-loads.jsonl"))).toBe(false);
  });

  it("a wrong KCV ends in exit 2 with one line", async () => {
    const dir = tempDir();
    const bad = tmkFile({ blocks: [{ ...tmkFile().blocks[0]!, kcv: "ABCDEF" }] });
    const result = await posctl(
      "keys",
      "load",
      "--dir",
      dir,
      ...files(dir, bad),
      "--terminal-id",
      TID,
      "--json",
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/check value ABCDEF does not match/);
    expect(result.stderr.split("\n")).toHaveLength(2);
  });
});
