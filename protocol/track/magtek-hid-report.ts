import { TrackError } from "./track-error.js";
import type { TrackNumber } from "./track-format.js";

/**
 * The vendor HID input report of MagTek readers in "HID mode" (VID 0801 PID 0002; layout as the public
 * magtek-pyusb scripts read it, device-protocols.md §3.2): 337 bytes,
 *   0-2 decode status of tracks 1-3 (0 = ok), 3-5 lengths, 6 card encode type,
 *   7-116 track 1, 117-226 track 2, 227-336 track 3 (ASCII as decoded, sentinels included).
 * MagTek documents only "0 = success"; our readers and emulator use 1 = parity error, 2 = LRC error.
 */
export const MAGTEK_REPORT_LENGTH = 337;
const DATA_AT: Record<TrackNumber, number> = { 1: 7, 2: 117, 3: 227 };
const FIELD = 110;

export const MAGTEK_STATUS = { ok: 0, parity: 1, lrc: 2 } as const;

export type MagtekEncodeType = "iso-aba" | "aamva" | "cadl" | "blank" | "other" | "undetermined" | "none";
const ENCODE_TYPES: MagtekEncodeType[] = [
  "iso-aba",
  "aamva",
  "cadl",
  "blank",
  "other",
  "undetermined",
  "none",
];

export interface MagtekTrackField {
  status: number;
  /** Copied out of the report (the caller zeroes the report afterwards). */
  data: Buffer;
}

export interface MagtekReport {
  tracks: Record<TrackNumber, MagtekTrackField>;
  encodeType: MagtekEncodeType | "unknown";
}

export function decodeMagtekReport(report: Uint8Array): MagtekReport {
  if (report.length !== MAGTEK_REPORT_LENGTH) {
    throw new TrackError(`report of ${report.length} bytes, expected ${MAGTEK_REPORT_LENGTH}`, {
      path: "magtek report",
      offset: Math.min(report.length, MAGTEK_REPORT_LENGTH),
    });
  }
  const field = (t: TrackNumber): MagtekTrackField => {
    const length = report[2 + t]!;
    if (length > FIELD) {
      throw new TrackError(`length ${length} exceeds ${FIELD}`, {
        path: `magtek track ${t} length`,
        offset: 2 + t,
      });
    }
    const at = DATA_AT[t];
    return { status: report[t - 1]!, data: Buffer.from(report.subarray(at, at + length)) };
  };
  return {
    tracks: { 1: field(1), 2: field(2), 3: field(3) },
    encodeType: ENCODE_TYPES[report[6]!] ?? "unknown",
  };
}

export function encodeMagtekReport(
  tracks: Partial<Record<TrackNumber, MagtekTrackField>>,
  encodeType: MagtekEncodeType = "iso-aba",
): Buffer {
  const report = Buffer.alloc(MAGTEK_REPORT_LENGTH);
  for (const t of [1, 2, 3] as const) {
    const f = tracks[t];
    if (!f) continue;
    if (f.data.length > FIELD)
      throw new TrackError(`track ${t} data exceeds ${FIELD}`, { path: `magtek track ${t}` });
    report[t - 1] = f.status;
    report[2 + t] = f.data.length;
    report.set(f.data, DATA_AT[t]);
  }
  report[6] = ENCODE_TYPES.indexOf(encodeType);
  return report;
}
