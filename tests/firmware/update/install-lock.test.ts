import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  acquireInstallLock,
  INSTALL_LOCK_FILE,
  type InstallOptions,
  installUpdate,
  readBootState,
  UpdateError,
} from "../../../firmware/update/index.js";
import { ARCH, ecKey, image, tempDir } from "./update-fixtures.js";

const vendor = ecKey();
const options = (dir: string): InstallOptions => ({
  trustedKeys: [vendor.trusted],
  runningVersion: "1.0.0",
  dir,
  arch: ARCH,
});

const children: { kill: () => void }[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

/** Another process on the board (an installer mid-flight): alive until the test kills it. */
async function otherProcess(): Promise<{ pid: number; exit: () => Promise<void> }> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  await new Promise((resolve) => child.once("spawn", resolve));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  children.push({ kill: () => child.kill("SIGKILL") });
  return {
    pid: child.pid ?? 0,
    exit: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

function refusalOf(fn: () => unknown): UpdateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UpdateError);
    return error as UpdateError;
  }
  throw new Error("expected an UpdateError");
}

const lockPath = (dir: string) => join(dir, INSTALL_LOCK_FILE);

describe("install lock", () => {
  it("is an exclusive file holding the pid, refused to a second taker, released only by its holder", () => {
    const dir = tempDir();
    const lock = acquireInstallLock(dir);
    expect(readFileSync(lockPath(dir), "utf8")).toBe(`${process.pid}\n`);
    const second = refusalOf(() => acquireInstallLock(dir));
    expect(second.reason).toBe("install-in-progress");
    expect(second.message).toBe(`install-in-progress: another install is in progress (pid ${process.pid})`);
    lock.release();
    expect(existsSync(lockPath(dir))).toBe(false);

    // A lock another process holds now is never removed by a late release of ours.
    const again = acquireInstallLock(dir);
    writeFileSync(lockPath(dir), "4194000\n");
    again.release();
    expect(readFileSync(lockPath(dir), "utf8")).toBe("4194000\n");
  });

  it("two installs at the same moment: exactly one stages, the other is refused, boot.json stays consistent", () => {
    const dir = tempDir();
    let inner: UpdateError | undefined;
    // The second install starts while the first one is writing its slot (the first is mid-flight).
    const winner = installUpdate(image("1.1.0", vendor), {
      ...options(dir),
      onProgress: ({ index }) => {
        if (index === 0) inner = refusalOf(() => installUpdate(image("1.2.0", vendor), options(dir)));
      },
    });
    expect(winner).toMatchObject({ slot: "a", manifest: { version: "1.1.0" } });
    expect(inner?.message).toBe(`install-in-progress: another install is in progress (pid ${process.pid})`);
    expect(readBootState(dir)).toEqual({
      active: null,
      trial: "a",
      trialBootsLeft: 3,
      versions: { a: "1.1.0", b: null },
    });
    expect(readdirSync(join(dir, "slots"))).toEqual(["a"]);
    expect(existsSync(lockPath(dir))).toBe(false);
  });

  it("refuses while another live process holds the lock, takes it over once that process is gone", async () => {
    const dir = tempDir();
    const other = await otherProcess();
    writeFileSync(lockPath(dir), `${other.pid}\n`);
    const refused = refusalOf(() => installUpdate(image("1.1.0", vendor), options(dir)));
    expect(refused.message).toMatch(`another install is in progress (pid ${other.pid})`);
    expect(readBootState(dir)).toMatchObject({ trial: null, versions: { a: null, b: null } });
    expect(existsSync(join(dir, "slots"))).toBe(false);

    await other.exit(); // the holder crashed: its lock is stale
    expect(installUpdate(image("1.1.0", vendor), options(dir)).slot).toBe("a");
    expect(readBootState(dir)).toMatchObject({ trial: "a", versions: { a: "1.1.0" } });
    expect(readdirSync(dir).sort()).toEqual(["boot.json", "slots"]); // no lock, nothing moved aside left
  });

  it("takes over a lock from before this boot (pid reused), and an unwritten lock only once it is old", () => {
    const dir = tempDir();
    writeFileSync(lockPath(dir), `${process.pid}\n`); // alive now, but the file predates the boot
    utimesSync(lockPath(dir), new Date(1_000_000), new Date(1_000_000));
    acquireInstallLock(dir).release();

    writeFileSync(lockPath(dir), ""); // being created this instant by another installer
    expect(refusalOf(() => acquireInstallLock(dir)).message).toMatch(/in progress \(pid unknown\)/);
    const minuteAgo = new Date(Date.now() - 60_000); // the board has been up longer than that
    utimesSync(lockPath(dir), minuteAgo, minuteAgo);
    const taken = acquireInstallLock(dir);
    expect(readFileSync(lockPath(dir), "utf8")).toBe(`${process.pid}\n`);
    taken.release();
  });
});
