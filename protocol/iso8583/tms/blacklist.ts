import { buildCount, readCount, readStatus, statusByte, type TmsPageStatus } from "./status.js";
import { TmsError } from "./tms-error.js";

/**
 * Black-list download (60.3 390, end 391). No public format was found; this is the project's own:
 * request 62 = ASCII 3-digit count of PANs received so far; response 62 = status ('0'/'1'/'2' as the
 * queries) + entries of 2-digit ASCII length + that many PAN digits.
 */
export function buildBlacklistRequest(received: number): Buffer {
  return buildCount(received, 3, "blacklist.count");
}

export function parseBlacklistRequest(data: Buffer): { received: number } {
  if (data.length !== 3)
    throw new TmsError(`is ${data.length} bytes, must be 3`, { path: "blacklist", offset: 0 });
  return { received: readCount(data, 0, 3, "blacklist.count") };
}

export interface BlacklistPage {
  status: TmsPageStatus;
  pans: string[];
}

const PAN = /^\d{12,19}$/;

export function buildBlacklistPage(page: BlacklistPage): Buffer {
  const parts = [Buffer.of(statusByte(page.status))];
  page.pans.forEach((pan, i) => {
    if (!PAN.test(pan)) throw new TmsError("PAN must be 12..19 digits", { path: `blacklist entry ${i + 1}` });
    parts.push(Buffer.from(`${String(pan.length).padStart(2, "0")}${pan}`, "latin1"));
  });
  return Buffer.concat(parts);
}

export function parseBlacklistPage(data: Buffer): BlacklistPage {
  const status = readStatus(data, "blacklist");
  const pans: string[] = [];
  let pos = 1;
  while (pos < data.length) {
    const path = `blacklist entry ${pans.length + 1}`;
    const length = readCount(data, pos, 2, path);
    if (length < 12 || length > 19)
      throw new TmsError(`PAN length ${length}, must be 12..19`, { path, offset: pos });
    if (pos + 2 + length > data.length) {
      throw new TmsError(`PAN of ${length} digits runs past the end`, { path, offset: pos });
    }
    const pan = data.toString("latin1", pos + 2, pos + 2 + length);
    if (!PAN.test(pan)) throw new TmsError("PAN is not all digits", { path, offset: pos + 2 });
    pans.push(pan);
    pos += 2 + length;
  }
  return { status, pans };
}
