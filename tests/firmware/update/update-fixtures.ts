import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll } from "vitest";
import { type TrustedKey, trustedKeyFrom } from "../../../firmware/update/index.js";
import type { ArchiveEntry } from "../../../protocol/image/index.js";
import { signImage } from "../../../tools/image/index.js";

export const ARCH = "linux-arm64";

export interface SigningKey {
  privateKey: KeyObject;
  trusted: TrustedKey;
}

export function ecKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return { privateKey, trusted: trustedKeyFrom(publicKey) };
}

export function rsaKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey, trusted: trustedKeyFrom(publicKey) };
}

/** A small firmware tree whose content says which version it is. */
export function firmwareFiles(version: string): ArchiveEntry[] {
  return [
    { path: "package.json", mode: 0o644, data: Buffer.from(JSON.stringify({ name: "pos", version })) },
    { path: "tools/posctl/main.js", mode: 0o755, data: Buffer.from(`console.log("${version}");\n`) },
    { path: "firmware/app/boot.js", mode: 0o644, data: Buffer.alloc(4096, version) },
    { path: "protocol/hex.js", mode: 0o600, data: Buffer.from("export {};\n") },
  ];
}

export function image(version: string, key: SigningKey, arch = ARCH): Buffer {
  return signImage(
    { name: "pos-terminal-firmware", version, arch, createdAt: "2026-11-23T14:00:00.000Z" },
    firmwareFiles(version),
    key.privateKey,
  );
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh update directory, removed after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "pos-update-"));
  made.push(dir);
  return dir;
}

/** Every file under `dir` (dot-leftovers included) as path → mode:sha256, plus boot.json's bytes. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full);
      else {
        const hash = createHash("sha256").update(readFileSync(full)).digest("hex");
        out[relative(dir, full)] = `${(stat.mode & 0o777).toString(8)}:${hash}`;
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Only the running slot's files and boot.json: what an interrupted update must never change. */
export function runningSnapshot(dir: string, slot: "a" | "b"): Record<string, string> {
  return Object.fromEntries(
    Object.entries(snapshot(dir)).filter(
      ([path]) => path === "boot.json" || path.startsWith(`slots/${slot}/`),
    ),
  );
}
