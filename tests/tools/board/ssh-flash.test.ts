import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBootState } from "../../../firmware/update/index.js";
import { posctl, resetExitCode } from "../../support/posctl.js";
import { type BoardFixture, ecKey, firmwareImage, makeBoard, withBadSignature } from "./board-fixture.js";

resetExitCode();

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const SSHD = "/usr/sbin/sshd";
/** The board side runs the compiled posctl (CI builds with `npx tsc -p tsconfig.json` before testing). */
const POSCTL_JS = join(ROOT, "dist/tools/posctl/main.js");
const SOURCES = [
  "tools/board/stage-image.ts",
  "tools/board/board-config.ts",
  "tools/posctl/commands/board.ts",
];

function checkPrerequisites(): void {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} missing: install openssh-server (apt-get install -y openssh-server)`);
  }
  for (const source of SOURCES) {
    const built = join(ROOT, "dist", source.replace(/\.ts$/, ".js"));
    if (!existsSync(built) || statSync(join(ROOT, source)).mtimeMs > statSync(built).mtimeMs) {
      throw new Error(`${built} missing or older than its source: run npx tsc -p tsconfig.json`);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const keygen = (file: string) =>
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", file], { stdio: "ignore" });

let fixture: BoardFixture;
let sshDir: string;
let port: number;
let sshd: ChildProcess | undefined;
const user = userInfo().username;

beforeAll(async () => {
  checkPrerequisites();
  fixture = makeBoard("ssh-flash-");
  sshDir = join(fixture.root, "ssh");
  mkdirSync(sshDir, { mode: 0o700 });
  keygen(join(sshDir, "host_key"));
  keygen(join(sshDir, "client_key"));
  keygen(join(sshDir, "stranger_key"));
  keygen(join(sshDir, "other_host_key"));
  writeFileSync(join(sshDir, "authorized_keys"), readFileSync(join(sshDir, "client_key.pub")));
  port = await freePort();
  const hostEntry = (pub: string) => `[127.0.0.1]:${port} ${readFileSync(join(sshDir, pub), "utf8")}`;
  writeFileSync(join(sshDir, "known_hosts"), hostEntry("host_key.pub"));
  writeFileSync(join(sshDir, "wrong_known_hosts"), hostEntry("other_host_key.pub"));
  writeFileSync(join(sshDir, "empty_known_hosts"), "");
  writeFileSync(
    join(sshDir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(sshDir, "host_key")}`,
      `PidFile ${join(sshDir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(sshDir, "authorized_keys")}`,
      "StrictModes no",
      "UsePAM no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PubkeyAuthentication yes",
      "PermitRootLogin prohibit-password",
      "Subsystem sftp internal-sftp",
      "",
    ].join("\n"),
  );
  // sshd started as root wants its privilege separation directory (the ssh.service unit makes it).
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const server = spawn(SSHD, ["-D", "-e", "-f", join(sshDir, "sshd_config")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  sshd = server;
  let log = "";
  await new Promise<void>((ready, failed) => {
    const timer = setTimeout(() => failed(new Error(`sshd did not start: ${log}`)), 10_000);
    server.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Server listening")) {
        clearTimeout(timer);
        ready();
      }
    });
    server.once("exit", (code) => {
      clearTimeout(timer);
      failed(new Error(`sshd exited with ${code}: ${log}`));
    });
  });
}, 30_000);

afterAll(async () => {
  if (sshd && sshd.exitCode === null) {
    const gone = new Promise((done) => sshd?.once("exit", done));
    sshd.kill("SIGTERM");
    await gone;
  }
  if (fixture) rmSync(fixture.root, { recursive: true, force: true });
});

/** `posctl flash --ssh` against the board directory, logging in with `identity`, trusting `knownHosts`. */
function flash(imagePath: string, options: { identity?: string; knownHosts?: string; port?: number } = {}) {
  return posctl(
    "flash",
    "--ssh",
    `${user}@127.0.0.1`,
    "--ssh-port",
    String(options.port ?? port),
    "--identity",
    join(sshDir, options.identity ?? "client_key"),
    "--known-hosts",
    join(sshDir, options.knownHosts ?? "known_hosts"),
    "--remote-dir",
    join(fixture.dataDir, "incoming"),
    "--remote-config",
    fixture.configPath,
    "--remote-posctl",
    `${process.execPath} ${POSCTL_JS}`,
    imagePath,
  );
}

function imageFile(name: string, bytes: Buffer): string {
  const path = join(fixture.root, name);
  writeFileSync(path, bytes);
  return path;
}

const updateDir = () => join(fixture.dataDir, "update");

describe("posctl flash --ssh against a real sshd", () => {
  it("refuses a board whose host key is not the known one, before copying anything", async () => {
    const image = imageFile("v110.img", firmwareImage(fixture.signingKey, "1.1.0", true));
    for (const knownHosts of ["wrong_known_hosts", "empty_known_hosts"]) {
      const result = await flash(image, { knownHosts });
      expect(result.exitCode).toBe(4);
      expect(result.stderr).toMatch(/host key of .*127\.0\.0\.1 is not trusted/);
    }
    expect(existsSync(join(fixture.dataDir, "incoming"))).toBe(false);
  });

  it("reports an authentication failure and an unreachable board", async () => {
    const image = imageFile("v110.img", firmwareImage(fixture.signingKey, "1.1.0", true));
    const auth = await flash(image, { identity: "stranger_key" });
    expect(auth.exitCode).toBe(4);
    expect(auth.stderr).toMatch(/authentication to .* failed/);
    const closed = await flash(image, { port: await freePort() });
    expect(closed.exitCode).toBe(4);
    expect(closed.stderr).toMatch(/cannot reach .*Connection refused/);
  });

  it("shows the board's verdict when it refuses an image, and stages nothing", async () => {
    mkdirSync(join(fixture.dataDir, "incoming"), { recursive: true });
    const good = firmwareImage(fixture.signingKey, "1.1.0", true);
    const tampered = await flash(imageFile("bad.img", withBadSignature(good)));
    expect(tampered.exitCode).toBe(3);
    expect(tampered.stderr).toMatch(/refused the image: verdict: refused: bad-signature/);
    const stranger = await flash(imageFile("stranger.img", firmwareImage(ecKey().privateKey, "1.1.0", true)));
    expect(stranger.exitCode).toBe(3);
    expect(stranger.stderr).toMatch(/verdict: refused: unknown-key/);
    expect(readBootState(updateDir())).toMatchObject({ active: null, trial: null });
    expect(readdirSync(join(fixture.dataDir, "incoming"))).toEqual([]); // refused copies are removed
  });

  it("copies a signed image to the board and stages it in the inactive slot on trial", async () => {
    mkdirSync(join(fixture.dataDir, "incoming"), { recursive: true });
    const result = await flash(imageFile("v110.img", firmwareImage(fixture.signingKey, "1.1.0", true)));
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/verdict: ok: pos-firmware 1\.1\.0 staged in slot a on trial/);
    expect(readBootState(updateDir())).toMatchObject({
      active: null,
      trial: "a",
      trialBootsLeft: 1,
      versions: { a: "1.1.0", b: null },
    });
    expect(readFileSync(join(updateDir(), "slots", "a", "main.mjs"), "utf8")).toContain("1.1.0");
    expect(readdirSync(join(fixture.dataDir, "incoming"))).toEqual([]);

    // Anti-rollback is the board's call too: an older image is refused there.
    const older = await flash(imageFile("v090.img", firmwareImage(fixture.signingKey, "0.9.0", true)));
    expect(older.exitCode).toBe(3);
    expect(older.stderr).toMatch(/verdict: refused: (rollback|trial-pending)/);
  });
});
