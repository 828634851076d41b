import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * Replaces several files so that a failure before the renames leaves every old file untouched: each new
 * content goes to `<name>.tmp` (mode 0600, fsynced), and only when all are on disk are they renamed over
 * the old ones (rename is atomic per file), then the directory is fsynced so the renames survive a power cut.
 */
export function replaceFiles(dir: string, files: Readonly<Record<string, string>>): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  try {
    for (const [name, text] of Object.entries(files)) {
      const temp = join(dir, `${name}.tmp`);
      const fd = openSync(temp, "w", 0o600);
      written.push(temp);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  } catch (error) {
    for (const temp of written) rmSync(temp, { force: true });
    throw error;
  }
  for (const name of Object.keys(files)) renameSync(join(dir, `${name}.tmp`), join(dir, name));
  syncDirectory(dir);
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the renames are still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
