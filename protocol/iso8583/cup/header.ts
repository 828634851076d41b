import { readBcd, writeBcd } from "../encoding/bcd.js";
import { Iso8583Error } from "../errors.js";

/**
 * The 6-byte message header (报文头): 12 BCD digits
 * 应用类别 n2 | 软件总版本号 n2 | 终端状态 n1 | 处理要求 n1 | 软件分版本号 n6 (reference §1.1).
 */
export interface CupHeader {
  /** "60" (some UMS/Newland builds "61"). */
  applicationType: string;
  /** "22" = 2002 spec, "31"/"32" later. */
  specVersion: string;
  /** 0 normal, 1 test. */
  terminalStatus: number;
  /** In a response: what the terminal must do next (see ProcessingRequirement). */
  processingRequirement: number;
  /** 6 digits. */
  softwareVersion: string;
}

/** 处理要求: the host's instruction in a response header. 7–9 are unassigned and kept as numbers. */
export const ProcessingRequirement = {
  None: 0,
  DownloadTerminalParameters: 1,
  UploadTerminalStatus: 2,
  ReSignIn: 3,
  UpdateCapk: 4,
  DownloadIcParameters: 5,
  TmsParameterDownload: 6,
} as const;
export type ProcessingRequirementName = keyof typeof ProcessingRequirement;

const REQUIREMENT_NAMES = Object.keys(ProcessingRequirement) as ProcessingRequirementName[];

/** The name of a 处理要求 digit, or undefined for 7–9. */
export function processingRequirementName(digit: number): ProcessingRequirementName | undefined {
  return REQUIREMENT_NAMES[digit];
}

export const HEADER_SIZE = 6;

/** Reads the header at `off`; `base` shifts offsets in errors. */
export function decodeHeader(buf: Buffer, off = 0, base = 0): CupHeader {
  if (off + HEADER_SIZE > buf.length) {
    throw new Iso8583Error(
      `short frame: header needs ${HEADER_SIZE} bytes, ${Math.max(0, buf.length - off)} left`,
      {
        path: "header",
        offset: off + base,
      },
    );
  }
  return headerFromDigits(readBcd(buf, off, 12, "right", "decimal", "header", base));
}

export function encodeHeader(header: CupHeader, buf: Buffer = Buffer.alloc(HEADER_SIZE), off = 0): Buffer {
  writeBcd(buf, off, headerToDigits(header), "right", "decimal", "header");
  return buf;
}

function digits(value: string | number, width: number, what: string): string {
  const text = String(value);
  if (text.length !== width || !/^[0-9]+$/.test(text)) {
    throw new Iso8583Error(`must be ${width} digit(s), got ${JSON.stringify(value)}`, {
      path: `header.${what}`,
    });
  }
  return text;
}

export function headerToDigits(h: CupHeader): string {
  return (
    digits(h.applicationType, 2, "applicationType") +
    digits(h.specVersion, 2, "specVersion") +
    digits(h.terminalStatus, 1, "terminalStatus") +
    digits(h.processingRequirement, 1, "processingRequirement") +
    digits(h.softwareVersion, 6, "softwareVersion")
  );
}

/** "603100311003" → CupHeader. */
export function headerFromDigits(text: string): CupHeader {
  digits(text, 12, "digits");
  return {
    applicationType: text.slice(0, 2),
    specVersion: text.slice(2, 4),
    terminalStatus: Number(text[4]),
    processingRequirement: Number(text[5]),
    softwareVersion: text.slice(6),
  };
}
