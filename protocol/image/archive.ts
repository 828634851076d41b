import { ImageError } from "./image-error.js";

/**
 * The payload: a flat archive of files, as simple as a dev kit's recovery shell can read.
 *   u32 BE entry count, then per entry: u16 BE path length, path (UTF-8), u32 BE mode, u32 BE length, bytes.
 * Paths are relative with "/" separators; the unpacker on the terminal must never be led outside its slot.
 */
export interface ArchiveEntry {
  path: string;
  /** Unix permission bits only (0..0o777). */
  mode: number;
  data: Buffer;
}

const MAX_PATH_BYTES = 1024;

/** Throws ImageError unless `path` is a safe relative path: no "..", ".", empty segment, absolute, "\\", NUL. */
export function checkArchivePath(path: string, where = "payload.path", offset?: number): void {
  const fail = (why: string): never => {
    throw new ImageError(`${JSON.stringify(path.slice(0, 80))} ${why}`, {
      path: where,
      ...(offset === undefined ? {} : { offset }),
    });
  };
  if (path.length === 0) fail("is empty");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) fail("is absolute");
  if (path.includes("\\") || path.includes("\0")) fail("contains a backslash or NUL");
  for (const segment of path.split("/")) {
    if (segment === "" || segment === "." || segment === "..") fail("has an empty, '.' or '..' segment");
  }
  if (Buffer.byteLength(path, "utf8") > MAX_PATH_BYTES) fail(`is longer than ${MAX_PATH_BYTES} bytes`);
}

/** Refuses duplicate paths and a file that is also used as a directory ("a" and "a/b"). */
function checkEntrySet(paths: readonly string[]): void {
  const files = new Set<string>();
  for (const [i, path] of paths.entries()) {
    if (files.has(path))
      throw new ImageError(`duplicate path ${JSON.stringify(path)}`, { path: `payload.entry[${i}]` });
    files.add(path);
  }
  for (const [i, path] of paths.entries()) {
    const segments = path.split("/");
    for (let n = 1; n < segments.length; n++) {
      const parent = segments.slice(0, n).join("/");
      if (files.has(parent)) {
        throw new ImageError(`${JSON.stringify(parent)} is both a file and a directory`, {
          path: `payload.entry[${i}]`,
        });
      }
    }
  }
}

function checkMode(mode: number, where: string, offset?: number): void {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new ImageError(`mode ${mode} is not permission bits (0..0777)`, {
      path: where,
      ...(offset === undefined ? {} : { offset }),
    });
  }
}

/** Packs files into the payload archive (in the order given); throws ImageError on a bad path or mode. */
export function packArchive(entries: readonly ArchiveEntry[]): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32BE(entries.length);
  parts.push(count);
  for (const [i, entry] of entries.entries()) {
    checkArchivePath(entry.path, `payload.entry[${i}].path`);
    checkMode(entry.mode, `payload.entry[${i}].mode`);
    const path = Buffer.from(entry.path, "utf8");
    const head = Buffer.alloc(2 + path.length + 8);
    head.writeUInt16BE(path.length, 0);
    path.copy(head, 2);
    head.writeUInt32BE(entry.mode, 2 + path.length);
    head.writeUInt32BE(entry.data.length, 6 + path.length);
    parts.push(head, entry.data);
  }
  checkEntrySet(entries.map((e) => e.path));
  return Buffer.concat(parts);
}

/** Reads the payload archive; every length is checked against the buffer before it is used. */
export function unpackArchive(payload: Uint8Array): ArchiveEntry[] {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const need = (offset: number, n: number, path: string): void => {
    if (offset + n > bytes.length) {
      throw new ImageError(`needs ${n} bytes, ${bytes.length - offset} left`, { path, offset });
    }
  };
  need(0, 4, "payload.count");
  const count = bytes.readUInt32BE(0);
  // Each entry takes at least 11 bytes (a 1-byte path): a count beyond that is a lie, not an allocation.
  if (count * 11 > bytes.length - 4) {
    throw new ImageError(`${count} entries cannot fit in ${bytes.length} bytes`, {
      path: "payload.count",
      offset: 0,
    });
  }
  const entries: ArchiveEntry[] = [];
  let offset = 4;
  for (let i = 0; i < count; i++) {
    const where = `payload.entry[${i}]`;
    need(offset, 2, `${where}.pathLength`);
    const pathLength = bytes.readUInt16BE(offset);
    offset += 2;
    need(offset, pathLength, `${where}.path`);
    const raw = bytes.subarray(offset, offset + pathLength);
    const path = raw.toString("utf8");
    if (!Buffer.from(path, "utf8").equals(raw)) {
      throw new ImageError("is not valid UTF-8", { path: `${where}.path`, offset });
    }
    checkArchivePath(path, `${where}.path`, offset);
    offset += pathLength;
    need(offset, 8, `${where}.mode`);
    const mode = bytes.readUInt32BE(offset);
    checkMode(mode, `${where}.mode`, offset);
    const length = bytes.readUInt32BE(offset + 4);
    offset += 8;
    need(offset, length, `${where}.data`);
    entries.push({ path, mode, data: bytes.subarray(offset, offset + length) });
    offset += length;
  }
  if (offset !== bytes.length) {
    throw new ImageError(`${bytes.length - offset} bytes after the last entry`, { path: "payload", offset });
  }
  checkEntrySet(entries.map((e) => e.path));
  return entries;
}
