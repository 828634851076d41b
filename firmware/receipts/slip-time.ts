import type { TransactionRecord } from "../journal/transaction-record.js";

/** Beijing time, the zone UnionPay hosts and slips use. */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;

const two = (n: number) => String(n).padStart(2, "0");

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(at: Date, offsetMinutes: number): LocalParts {
  const shifted = new Date(at.getTime() + offsetMinutes * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

function format(p: LocalParts): string {
  return `${p.year}/${two(p.month)}/${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

/** "2024/06/15 12:34:56" for a moment, in the given local offset. */
export function formatDateTime(at: Date, offsetMinutes = DEFAULT_UTC_OFFSET_MINUTES): string {
  return format(localParts(at, offsetMinutes));
}

/**
 * 日期/时间 of a slip: the host's date and time (fields 13 MMDD / 12 hhmmss) when it sent them — that is the
 * time the issuer and the merchant's statement show — else the terminal's `createdAt`. Field 13 has no
 * year: it is the terminal's local year, moved by one when the months straddle New Year.
 */
export function slipDateTime(record: TransactionRecord, offsetMinutes = DEFAULT_UTC_OFFSET_MINUTES): string {
  const created = new Date(record.createdAt);
  const local = Number.isNaN(created.getTime()) ? undefined : localParts(created, offsetMinutes);
  const date = /^(\d{2})(\d{2})$/.exec(record.hostDate ?? "");
  const time = /^(\d{2})(\d{2})(\d{2})$/.exec(record.hostTime ?? "");
  if (date && local) {
    const month = Number(date[1]);
    let year = local.year;
    if (month - local.month > 6) year -= 1;
    if (local.month - month > 6) year += 1;
    const clock = time
      ? `${time[1]}:${time[2]}:${time[3]}`
      : `${two(local.hour)}:${two(local.minute)}:${two(local.second)}`;
    return `${year}/${date[1]}/${date[2]} ${clock}`;
  }
  return local ? format(local) : "";
}
