import { TmsError } from "./tms-error.js";

/**
 * First byte of a query / black-list answer: '0' nothing (more) to send, '1' this is the last packet,
 * '2' more packets follow (ask again with the new count).
 */
export type TmsPageStatus = "none" | "last" | "more";

const CODES: Record<TmsPageStatus, number> = { none: 0x30, last: 0x31, more: 0x32 };

export function statusByte(status: TmsPageStatus): number {
  return CODES[status];
}

export function readStatus(data: Buffer, path: string): TmsPageStatus {
  if (data.length === 0) throw new TmsError("empty payload, status byte missing", { path, offset: 0 });
  switch (data[0]) {
    case 0x30:
      return "none";
    case 0x31:
      return "last";
    case 0x32:
      return "more";
    default:
      throw new TmsError(`status byte ${data[0]!.toString(16).padStart(2, "0")} is not '0', '1' or '2'`, {
        path,
        offset: 0,
      });
  }
}

/** Fixed-width ASCII decimal count (the "received so far" counter of the query requests). */
export function buildCount(count: number, digits: number, path: string): Buffer {
  if (!Number.isInteger(count) || count < 0 || count >= 10 ** digits) {
    throw new TmsError(`count ${count} does not fit ${digits} digits`, { path });
  }
  return Buffer.from(String(count).padStart(digits, "0"), "latin1");
}

export function readCount(data: Buffer, offset: number, digits: number, path: string): number {
  if (data.length < offset + digits) {
    throw new TmsError(`count needs ${digits} digits, ${data.length - offset} bytes left`, { path, offset });
  }
  const text = data.toString("latin1", offset, offset + digits);
  if (!/^\d+$/.test(text)) throw new TmsError(`count "${text}" is not ASCII digits`, { path, offset });
  return Number(text);
}
