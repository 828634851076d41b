import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installUpdate, trustedKeyFrom } from "../../../firmware/update/index.js";
import { parseImage, unpackArchive } from "../../../protocol/image/index.js";
import { collectTree, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from "../../../tools/image/index.js";
import { tempDir } from "../../firmware/update/update-fixtures.js";
import { posctl, resetExitCode } from "../../support/posctl.js";

resetExitCode();

let work: string;
let keys: string;
let rsaKeys: string;

/** A tiny compiled tree standing in for dist/. */
function distTree(root: string): string {
  const dist = join(root, "dist");
  mkdirSync(join(dist, "tools", "posctl"), { recursive: true });
  writeFileSync(join(dist, "tools", "posctl", "main.js"), "#!/usr/bin/env node\n");
  chmodSync(join(dist, "tools", "posctl", "main.js"), 0o755);
  writeFileSync(join(dist, "index.js"), "export {};\n");
  writeFileSync(
    join(root, "package.json"),
    JSON.stringify({ name: "pos-terminal-firmware", version: "0.1.0" }),
  );
  return dist;
}

async function ok(...args: string[]): Promise<string> {
  const result = await posctl("image", ...args);
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

async function build(version: string, keyDir: string, out: string, arch = "linux-x64"): Promise<string> {
  await ok(
    "build",
    ...["--from", join(work, "dist"), "--package", join(work, "package.json"), "--version", version],
    ...["--arch", arch, "--key", join(keyDir, PRIVATE_KEY_FILE), "--out", out],
  );
  return out;
}

beforeAll(async () => {
  work = tempDir();
  distTree(work);
  keys = join(work, "keys");
  rsaKeys = join(work, "rsa-keys");
  expect(await ok("keygen", "--out", keys)).toMatch(/key id {6}[0-9a-f]{16}\n$/);
  await ok("keygen", "--out", rsaKeys, "--alg", "rsa-pss");
});

describe("posctl image keygen", () => {
  it("writes a 0600 PKCS#8 private key and an SPKI public key", () => {
    expect(statSync(join(keys, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(keys, PRIVATE_KEY_FILE), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readFileSync(join(keys, PUBLIC_KEY_FILE), "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(trustedKeyFrom(readFileSync(join(rsaKeys, PUBLIC_KEY_FILE))).key.asymmetricKeyType).toBe("rsa");
  });

  it("refuses to overwrite a signing key, and an unknown algorithm", async () => {
    const again = await posctl("image", "keygen", "--out", keys);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/refusing to overwrite/);
    const bad = await posctl("image", "keygen", "--out", join(work, "x"), "--alg", "dsa");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--alg must be ecdsa or rsa-pss/);
  });
});

describe("posctl image build / verify", () => {
  it("packs the compiled tree and package.json, then verifies GOOD", async () => {
    const img = await build("1.4.0", keys, join(work, "fw.img"));
    const parsed = parseImage(readFileSync(img));
    expect(parsed.manifest).toMatchObject({
      name: "pos-terminal-firmware",
      version: "1.4.0",
      arch: "linux-x64",
    });
    expect(unpackArchive(parsed.payload).map((e) => [e.path, e.mode])).toEqual([
      ["index.js", 0o644 & ~process.umask()],
      ["tools/posctl/main.js", 0o755],
      ["package.json", 0o644],
    ]);
    const out = await ok("verify", img, "--pub", join(keys, PUBLIC_KEY_FILE));
    expect(out).toMatch(
      /^GOOD pos-terminal-firmware 1\.4\.0 linux-x64, 3 files, \d+ bytes, ecdsa-p256-sha256 key/,
    );
    const json = JSON.parse(await ok("verify", img, "--pub", join(keys, PUBLIC_KEY_FILE), "--json"));
    expect(json).toMatchObject({ ok: true, files: 3, manifest: { version: "1.4.0" } });
  });

  it("signs with RSA-PSS and accepts any of several --pub keys", async () => {
    const img = await build("1.4.1", rsaKeys, join(work, "fw-rsa.img"));
    const out = await ok(
      "verify",
      img,
      ...["--pub", join(keys, PUBLIC_KEY_FILE), "--pub", join(rsaKeys, PUBLIC_KEY_FILE)],
    );
    expect(out).toMatch(/rsa-pss-sha256/);
  });

  it.each([
    ["a flipped signature byte", (b: Buffer) => b.with(b.length - 3, b[b.length - 3]! ^ 1), "bad-signature"],
    ["a truncated image", (b: Buffer) => b.subarray(0, b.length - 500), "truncated"],
    ["a corrupted payload", (b: Buffer) => b.with(b.length - 120, b[b.length - 120]! ^ 1), "payloadSha256"],
    ["not an image", () => Buffer.from("hello"), "not a firmware image"],
  ])("exit 1 with the reason on %s", async (_what, damage, reason) => {
    const img = await build("1.5.0", keys, join(work, "good.img"));
    const bad = join(work, "bad.img");
    writeFileSync(bad, damage(readFileSync(img)));
    const result = await posctl("image", "verify", bad, "--pub", join(keys, PUBLIC_KEY_FILE));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^BAD /);
    expect(result.stdout).toContain(reason);
    const json = await posctl("image", "verify", bad, "--pub", join(keys, PUBLIC_KEY_FILE), "--json");
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false });
  });

  it("exit 1 for an image signed by a key not given with --pub", async () => {
    const img = await build("1.5.0", rsaKeys, join(work, "other.img"));
    const result = await posctl("image", "verify", img, "--pub", join(keys, PUBLIC_KEY_FILE), "--json");
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, reason: "unknown-key" });
  });

  it("an image built by posctl installs on the terminal", async () => {
    const img = await build("2.0.0", keys, join(work, "install.img"), "linux-arm64");
    const dir = tempDir();
    const result = installUpdate(readFileSync(img), {
      trustedKeys: [trustedKeyFrom(readFileSync(join(keys, PUBLIC_KEY_FILE)))],
      runningVersion: "1.0.0",
      dir,
      arch: "linux-arm64",
    });
    expect(result.slot).toBe("a");
    expect(readFileSync(join(dir, "slots", "a", "tools", "posctl", "main.js"), "utf8")).toContain("node");
  });

  it("refuses to pack symbolic links", () => {
    const root = tempDir();
    writeFileSync(join(root, "a.js"), "x");
    symlinkSync("/etc/passwd", join(root, "link"));
    expect(() => collectTree(root)).toThrow(/not a regular file/);
  });
});
