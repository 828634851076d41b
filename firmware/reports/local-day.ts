import { ReportError } from "./report-error.js";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const two = (n: number) => String(n).padStart(2, "0");

/**
 * A merchant's day is a local calendar day (Beijing, UTC+8, by default): its first and last instant
 * as UTC Dates, for the journal's createdAt filter (inclusive on both ends).
 */
export function localDayBounds(day: string, utcOffsetMinutes: number): { from: Date; to: Date } {
  const match = DAY.exec(day);
  const start = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  const check = new Date(start);
  if (!match || Number.isNaN(start) || check.getUTCDate() !== Number(match[3])) {
    throw new ReportError(`must be a date YYYY-MM-DD, got ${JSON.stringify(day)}`, "day");
  }
  const from = new Date(start - utcOffsetMinutes * 60_000);
  return { from, to: new Date(from.getTime() + 86_400_000 - 1) };
}

/** "YYYY-MM-DD HH:MM:SS" of an ISO instant in the local offset. */
export function localTime(iso: string, utcOffsetMinutes: number): string {
  const d = new Date(Date.parse(iso) + utcOffsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** The local day "YYYY-MM-DD" an ISO instant falls on. */
export function localDay(iso: string, utcOffsetMinutes: number): string {
  return localTime(iso, utcOffsetMinutes).slice(0, 10);
}
