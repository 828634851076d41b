import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readBootState } from "../../../firmware/update/index.js";
import { loadBoardConfig } from "../../../tools/board/index.js";
import { shellQuote } from "../../../tools/board/ssh-flash.js";
import { posctl, resetExitCode } from "../../support/posctl.js";
import { type BoardFixture, firmwareImage, makeBoard, withBadSignature } from "./board-fixture.js";

resetExitCode();

const boards: BoardFixture[] = [];
afterEach(() => {
  for (const b of boards.splice(0)) rmSync(b.root, { recursive: true, force: true });
});

function board(): BoardFixture {
  const b = makeBoard("board-install-");
  boards.push(b);
  return b;
}

function file(b: BoardFixture, name: string, bytes: Buffer): string {
  const path = join(b.root, name);
  writeFileSync(path, bytes);
  return path;
}

describe("posctl board install (the board side of flash --ssh)", () => {
  it("stages a good image on trial, removes the file, then refuses another while the trial is pending", async () => {
    const b = board();
    const path = file(b, "v110.img", firmwareImage(b.signingKey, "1.1.0", true));
    const ok = await posctl("board", "install", "--config", b.configPath, path);
    expect(ok).toMatchObject({ exitCode: 0, stderr: "" });
    expect(ok.stdout).toBe(
      "verdict: ok: pos-firmware 1.1.0 staged in slot a on trial (1 trial boot); it boots at the next start\n",
    );
    expect(existsSync(path)).toBe(false);
    const again = await posctl(
      "board",
      "install",
      "--config",
      b.configPath,
      file(b, "v120.img", firmwareImage(b.signingKey, "1.2.0", true)),
    );
    expect(again.exitCode).toBe(3);
    expect(again.stdout).toMatch(/^verdict: refused: trial-pending: slot a is still on trial/);
    expect(readBootState(join(b.dataDir, "update"))).toMatchObject({ trial: "a", versions: { a: "1.1.0" } });
  });

  it("refuses a bad signature and an older version than the factory release, and deletes the file", async () => {
    const b = board();
    const bad = file(b, "bad.img", withBadSignature(firmwareImage(b.signingKey, "1.1.0", true)));
    const refused = await posctl("board", "install", "--config", b.configPath, bad);
    expect(refused.exitCode).toBe(3);
    expect(refused.stdout).toMatch(/^verdict: refused: bad-signature/);
    expect(existsSync(bad)).toBe(false);
    const old = file(b, "old.img", firmwareImage(b.signingKey, "0.9.0", true));
    const older = await posctl("board", "install", "--config", b.configPath, old);
    expect(older.stdout).toMatch(/^verdict: refused: rollback: image 0\.9\.0 is older than running 1\.0\.0/);
    expect(readBootState(join(b.dataDir, "update"))).toMatchObject({ active: null, trial: null });
  });

  it("refuses while another installer holds the lock (exit 3, its pid named), takes a dead one's lock over", async () => {
    const b = board();
    const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    await new Promise((resolve) => other.once("spawn", resolve));
    const exited = new Promise((resolve) => other.once("exit", resolve));
    try {
      const updateDir = join(b.dataDir, "update");
      mkdirSync(updateDir, { recursive: true });
      writeFileSync(join(updateDir, "install.lock"), `${other.pid}\n`); // e.g. the serial listener, mid-write
      const path = file(b, "v110.img", firmwareImage(b.signingKey, "1.1.0", true));
      const busy = await posctl("board", "install", "--config", b.configPath, path);
      expect(busy).toMatchObject({
        exitCode: 3,
        stdout: `verdict: refused: install-in-progress: another install is in progress (pid ${other.pid})\n`,
      });
      expect(readBootState(updateDir)).toMatchObject({ active: null, trial: null });

      other.kill("SIGKILL");
      await exited; // it died holding the lock
      const again = file(b, "v110.img", firmwareImage(b.signingKey, "1.1.0", true));
      const ok = await posctl("board", "install", "--config", b.configPath, again);
      expect(ok.exitCode).toBe(0);
      expect(readBootState(updateDir)).toMatchObject({ trial: "a", versions: { a: "1.1.0" } });
      expect(existsSync(join(updateDir, "install.lock"))).toBe(false);
    } finally {
      other.kill("SIGKILL");
    }
  });

  it("names the field of a bad board config (exit 2)", async () => {
    const b = board();
    const config = JSON.parse(readFileSync(b.configPath, "utf8")) as Record<string, unknown>;
    writeFileSync(b.configPath, JSON.stringify({ ...config, trustedKeys: [] }));
    const result = await posctl("board", "install", "--config", b.configPath, "x.img");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/board config .*: trustedKeys: /);
    expect(() => loadBoardConfig(join(b.root, "missing.json"))).toThrow(/cannot read board config/);
  });
});

describe("posctl flash --ssh input checks", () => {
  it("refuses --port with --ssh, a malformed target and a bad port before any connection", async () => {
    const b = board();
    const image = file(b, "v.img", firmwareImage(b.signingKey, "1.1.0", true));
    const both = await posctl("flash", "--ssh", "pos@board", "--port", "/dev/null", image);
    expect(both).toMatchObject({ exitCode: 2, stderr: "posctl: give --port or --ssh, not both\n" });
    const target = await posctl("flash", "--ssh", "-oProxyCommand=sh", image);
    expect(target).toMatchObject({ exitCode: 2, stderr: "posctl: --ssh must be user@host or host\n" });
    const port = await posctl("flash", "--ssh", "pos@board", "--ssh-port", "70000", image);
    expect(port.exitCode).toBe(2);
    expect(port.stderr).toMatch(/--ssh-port must be 1\.\.65535/);
  });

  it("quotes remote words for the board's shell", () => {
    expect(shellQuote("/var/lib/pos/incoming/ssh-1.img")).toBe("'/var/lib/pos/incoming/ssh-1.img'");
    expect(shellQuote("a'b; rm -rf /")).toBe("'a'\\''b; rm -rf /'");
  });
});
