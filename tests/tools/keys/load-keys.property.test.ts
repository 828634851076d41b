import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storageLayout } from "../../../firmware/admin/index.js";
import { keyCheckValue } from "../../../protocol/crypto/kcv.js";
import { Tr31Error } from "../../../protocol/crypto/tr31/tr31-error.js";
import { wrapTr31 } from "../../../protocol/crypto/tr31/wrap.js";
import { toHex } from "../../../protocol/hex.js";
import { KeyLoadError, kbpkFromHexBytes, loadKeys, parseKeyLoadingFile } from "../../../tools/keys/index.js";
import { useTempDirs } from "../../support/temp-dir.js";

const KBPK = Buffer.alloc(16, 0x3c);
const TID = "12345678";
const tempDir = useTempDirs();

describe("key loading under random input", () => {
  it("a key block altered anywhere is refused, and the store keeps the key loaded before", () => {
    const dir = tempDir();
    const first = Buffer.alloc(16, 0x01);
    const wrap = (key: Buffer) =>
      wrapTr31(KBPK, { version: "B", keyUsage: "K0", algorithm: "T", modeOfUse: "D" }, key, {
        random: (n) => Buffer.alloc(n, 7),
      });
    const kcv = (key: Buffer) => toHex(keyCheckValue("tdes", key));
    loadKeys({
      storageDir: dir,
      terminalId: TID,
      kbpk: KBPK,
      file: { terminalId: TID, blocks: [{ slot: "tmk", tr31: wrap(first), kcv: kcv(first) }] },
    });
    const storeFile = join(storageLayout(dir).keysDir, "keys.json");
    const before = readFileSync(storeFile);
    const second = Buffer.alloc(16, 0x02);
    const good = wrap(second);
    fc.assert(
      fc.property(fc.nat({ max: good.length - 1 }), fc.constantFrom(..."0123456789ABCDEFZ "), (at, c) => {
        fc.pre(good[at] !== c);
        const tr31 = good.slice(0, at) + c + good.slice(at + 1);
        expect(() =>
          loadKeys({
            storageDir: dir,
            terminalId: TID,
            kbpk: KBPK,
            file: { terminalId: TID, blocks: [{ slot: "tmk", tr31, kcv: kcv(second) }] },
          }),
        ).toThrow(expect.toSatisfy((e: unknown) => e instanceof Tr31Error || e instanceof KeyLoadError));
        expect(readFileSync(storeFile)).toEqual(before);
      }),
      { seed: 8, numRuns: 60 },
    );
  });

  it("random JSON and random KBPK bytes only ever raise KeyLoadError", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        try {
          parseKeyLoadingFile(json, "f.json");
        } catch (error) {
          expect(error).toBeInstanceOf(KeyLoadError);
        }
      }),
      { seed: 8, numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        try {
          expect([16, 24, 32]).toContain(kbpkFromHexBytes(Buffer.from(bytes)).length);
        } catch (error) {
          expect(error).toBeInstanceOf(KeyLoadError);
        }
      }),
      { seed: 8, numRuns: 300 },
    );
  });
});
