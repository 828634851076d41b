import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { uptime } from "node:os";
import { join } from "node:path";
import { UpdateError } from "./update-error.js";

/** `<update dir>/install.lock`: held by the one process staging an image (serial listener or SSH install). */
export const INSTALL_LOCK_FILE = "install.lock";

/** A lock whose pid is not written yet is being created right now, unless it is this old (a crash in between). */
const UNWRITTEN_LOCK_GRACE_MS = 10_000;

export interface InstallLock {
  /** Removes the lock file, only while it still names this process. */
  release(): void;
}

/**
 * Takes the install lock: the file is created with O_EXCL and holds this process's pid, so two installers
 * (a serial flash and an SSH install at the same moment) never both write a slot and boot.json. A lock
 * left by a process that is gone (crash, power cut: any lock older than this boot) is taken over.
 * Throws UpdateError "install-in-progress" naming the holder's pid.
 */
export function acquireInstallLock(dir: string): InstallLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, INSTALL_LOCK_FILE);
  // A stale lock is moved aside in one round and the create retried in the next.
  for (let round = 0; round < 3; round += 1) {
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = lockHolder(path);
      if (holder.state === "held") {
        throw new UpdateError(
          "install-in-progress",
          `another install is in progress (pid ${holder.pid ?? "unknown"})`,
        );
      }
      if (holder.state === "stale") breakStaleLock(dir, path, holder.pid);
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return { release: () => releaseLock(path) };
  }
  throw new UpdateError("install-in-progress", "another install is in progress (lock keeps changing hands)");
}

/** Runs `fn` under the install lock. */
export function withInstallLock<T>(dir: string, fn: () => T): T {
  const lock = acquireInstallLock(dir);
  try {
    return fn();
  } finally {
    lock.release();
  }
}

type Holder = { state: "held" | "stale"; pid: number | null } | { state: "gone"; pid: null };

function lockHolder(path: string): Holder {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(path, "utf8");
    mtimeMs = statSync(path).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { state: "gone", pid: null };
    throw error;
  }
  // A lock from before this boot is stale whatever its pid says (pids are reused after a reboot).
  const bootedAt = Date.now() - uptime() * 1000;
  if (mtimeMs < bootedAt) return { state: "stale", pid: parsePid(text) };
  const pid = parsePid(text);
  if (pid === null) {
    const unwrittenFor = Date.now() - mtimeMs;
    return { state: unwrittenFor > UNWRITTEN_LOCK_GRACE_MS ? "stale" : "held", pid: null };
  }
  return { state: isAlive(pid) ? "held" : "stale", pid };
}

function parsePid(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[1-9][0-9]{0,9}$/.test(trimmed)) return null;
  return Number(trimmed);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, owned by someone else
  }
}

/**
 * Moves the stale lock aside under a name of our own (rename is atomic: of two processes taking over,
 * one moves it). If what got moved is not the stale lock we looked at (another process took it over
 * and wrote its live pid in between), it is put back with link(), which never overwrites.
 */
function breakStaleLock(dir: string, path: string, stalePid: number | null): void {
  const aside = join(dir, `.${INSTALL_LOCK_FILE}.stale-${process.pid}`);
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // someone else moved it
    throw error;
  }
  try {
    const moved = parsePid(readFileSync(aside, "utf8"));
    if (moved !== stalePid && moved !== null && isAlive(moved)) {
      try {
        linkSync(aside, path); // back in place unless a third process created a lock meanwhile
      } catch {
        // EEXIST: leave it; the next round reports whoever holds the lock now.
      }
    }
  } finally {
    rmSync(aside, { force: true });
  }
}

function releaseLock(path: string): void {
  try {
    if (parsePid(readFileSync(path, "utf8")) !== process.pid) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  rmSync(path, { force: true });
}
