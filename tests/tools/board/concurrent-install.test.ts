import { spawn } from "node:child_process";
import { existsSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readBootState } from "../../../firmware/update/index.js";
import { signImage } from "../../../tools/image/index.js";
import { ARCH, type BoardFixture, makeBoard } from "./board-fixture.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** Two real processes need the compiled posctl (CI builds with `npx tsc -p tsconfig.json` first). */
const DIST = process.env.POS_DIST_DIR ?? join(ROOT, "dist");
const POSCTL_JS = join(DIST, "tools/posctl/main.js");
const SOURCES = [
  "firmware/update/install-lock.ts",
  "firmware/update/install-update.ts",
  "tools/board/stage-image.ts",
  "tools/board/board-config.ts",
];

function checkBuilt(): void {
  for (const source of SOURCES) {
    const built = join(DIST, source.replace(/\.ts$/, ".js"));
    if (!existsSync(built) || statSync(join(ROOT, source)).mtimeMs > statSync(built).mtimeMs) {
      throw new Error(`${built} missing or older than its source: run npx tsc -p tsconfig.json`);
    }
  }
}

const boards: BoardFixture[] = [];
afterEach(() => {
  for (const b of boards.splice(0)) rmSync(b.root, { recursive: true, force: true });
});

function install(b: BoardFixture, image: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [POSCTL_JS, "board", "install", "--config", b.configPath, image], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.once("close", (code) => done({ code, stdout }));
  });
}

/** An image big enough (4 MB over 200 files) that two installs started together overlap. */
function bigImage(b: BoardFixture, version: string): Buffer {
  const files = Array.from({ length: 200 }, (_, i) => ({
    path: `lib/f${i}.js`,
    mode: 0o644,
    data: Buffer.alloc(20_000, i),
  }));
  return signImage(
    { name: "pos-firmware", version, arch: ARCH, createdAt: "2026-11-23T12:00:00Z" },
    files,
    b.signingKey,
  );
}

describe("two `posctl board install` processes at the same moment", () => {
  it("exactly one stages, the other is refused with the holder's pid, boot.json names the winner", async () => {
    checkBuilt();
    for (let round = 0; round < 2; round += 1) {
      const b = makeBoard("concurrent-install-");
      boards.push(b);
      const paths = ["1.1.0", "1.2.0"].map((version) => {
        const path = join(b.root, `${version}.img`);
        writeFileSync(path, bigImage(b, version));
        return path;
      });
      const results = await Promise.all(paths.map((path) => install(b, path)));
      const winners = results.filter((r) => r.code === 0);
      expect(winners).toHaveLength(1);
      const loser = results.find((r) => r.code !== 0);
      expect(loser?.code).toBe(3);
      // Overlapping: refused on the lock; had one finished first, the other sees its trial pending.
      expect(loser?.stdout).toMatch(
        /^verdict: refused: (install-in-progress: another install is in progress \(pid \d+\)|trial-pending: slot a is still on trial)/,
      );
      const version = results[0]?.code === 0 ? "1.1.0" : "1.2.0";
      expect(readBootState(join(b.dataDir, "update"))).toEqual({
        active: null,
        trial: "a",
        trialBootsLeft: 1,
        versions: { a: version, b: null },
      });
      expect(existsSync(join(b.dataDir, "update", "install.lock"))).toBe(false);
    }
  });
});
