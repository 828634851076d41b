import {
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import type { ArchiveEntry } from "../../protocol/image/index.js";
import type { SlotName } from "./boot-state.js";

/** Progress of an unpack; an exception thrown from it aborts the unpack as a power cut would. */
export type UnpackProgress = (step: { file: string; index: number; total: number }) => void;

export function slotsDir(dir: string): string {
  return join(dir, "slots");
}

export function slotPath(dir: string, slot: SlotName): string {
  return join(slotsDir(dir), slot);
}

/** Removes what an interrupted unpack left behind (staging trees, a replaced slot not yet deleted). */
export function removeLeftovers(dir: string): void {
  const root = slotsDir(dir);
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    if (name.startsWith(".staging-") || name.startsWith(".old-")) {
      rmSync(join(root, name), { recursive: true, force: true });
    }
  }
}

/**
 * Writes the files into a staging tree beside the slots, fsyncs them, then swaps the tree in with a
 * rename. Until that rename the target slot is untouched; the running slot is never touched at all.
 */
export function writeSlot(
  dir: string,
  slot: SlotName,
  entries: readonly ArchiveEntry[],
  onProgress?: UnpackProgress,
): void {
  const root = slotsDir(dir);
  mkdirSync(root, { recursive: true });
  const staging = mkdtempSync(join(root, `.staging-${slot}-`));
  const directories = new Set<string>([staging]);
  for (const [index, entry] of entries.entries()) {
    const target = resolve(staging, entry.path);
    // The archive parser already refuses "..", absolute paths and the like; this is the second lock.
    if (!target.startsWith(staging + sep)) throw new Error(`archive path escapes the slot: ${entry.path}`);
    mkdirSync(dirname(target), { recursive: true });
    directories.add(dirname(target));
    writeDurably(target, entry.data, entry.mode);
    onProgress?.({ file: entry.path, index, total: entries.length });
  }
  for (const directory of directories) fsyncPath(directory);
  const final = slotPath(dir, slot);
  if (existsSync(final)) renameSync(final, join(root, `.old-${slot}-${process.pid}`));
  renameSync(staging, final);
  fsyncPath(root);
  removeLeftovers(dir);
}

function writeDurably(path: string, data: Buffer, mode: number): void {
  const fd = openSync(path, "wx", mode);
  try {
    fchmodSync(fd, mode); // the image's mode, not the umask's idea of it
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
