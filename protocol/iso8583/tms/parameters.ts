import { TmsError } from "./tms-error.js";

/**
 * Terminal parameters (60.3 360 response 62): ASCII `code (2 digits) + value`, repeated, with the
 * fixed value widths of the CUP field-62 "用法二" table (one source). A code this table does not know is
 * refused: its value's length is unknowable, so nothing after it could be read.
 */
export interface TerminalParameters {
  /** 11: application type, n2. */
  applicationType?: string;
  /** 12: response timeout in seconds, n2. */
  timeoutSeconds?: number;
  /** 13: dial/send retries, n1. */
  retries?: number;
  /** 14–16: transaction phone numbers, up to 14 characters (right-padded with spaces on the wire). */
  transactionPhones?: string[];
  /** 17: management phone number. */
  managementPhone?: string;
  /** 18: tips supported, n1 (1 yes). */
  tipsSupported?: boolean;
  /** 19: tip percentage, n2. */
  tipPercent?: number;
  /** 20: manual card entry allowed, n1 (1 yes). */
  manualEntryAllowed?: boolean;
}

const WIDTH: Record<string, number> = {
  "11": 2,
  "12": 2,
  "13": 1,
  "14": 14,
  "15": 14,
  "16": 14,
  "17": 14,
  "18": 1,
  "19": 2,
  "20": 1,
};
const PHONE = /^[0-9*#,-]{0,14}$/;

function digits(value: number, width: number, code: string): string {
  if (!Number.isInteger(value) || value < 0 || value >= 10 ** width) {
    throw new TmsError(`${value} does not fit ${width} digits`, { path: `parameter ${code}` });
  }
  return String(value).padStart(width, "0");
}

function phone(value: string, code: string): string {
  if (!PHONE.test(value))
    throw new TmsError("phone number must be up to 14 dialling characters", { path: `parameter ${code}` });
  return value.padEnd(14, " ");
}

export function buildTerminalParameters(p: TerminalParameters): Buffer {
  let out = "";
  if (p.applicationType !== undefined) {
    if (!/^\d{2}$/.test(p.applicationType)) throw new TmsError("must be 2 digits", { path: "parameter 11" });
    out += `11${p.applicationType}`;
  }
  if (p.timeoutSeconds !== undefined) out += `12${digits(p.timeoutSeconds, 2, "12")}`;
  if (p.retries !== undefined) out += `13${digits(p.retries, 1, "13")}`;
  const phones = p.transactionPhones ?? [];
  if (phones.length > 3) throw new TmsError("at most 3 transaction phone numbers", { path: "parameter 14" });
  phones.forEach((number, i) => {
    out += `${14 + i}${phone(number, String(14 + i))}`;
  });
  if (p.managementPhone !== undefined) out += `17${phone(p.managementPhone, "17")}`;
  if (p.tipsSupported !== undefined) out += `18${p.tipsSupported ? 1 : 0}`;
  if (p.tipPercent !== undefined) out += `19${digits(p.tipPercent, 2, "19")}`;
  if (p.manualEntryAllowed !== undefined) out += `20${p.manualEntryAllowed ? 1 : 0}`;
  return Buffer.from(out, "latin1");
}

export function parseTerminalParameters(data: Buffer): TerminalParameters {
  const out: TerminalParameters = {};
  const phones: string[] = [];
  const seen = new Set<string>();
  let pos = 0;
  while (pos < data.length) {
    if (pos + 2 > data.length)
      throw new TmsError("parameter code cut short", { path: "parameters", offset: pos });
    const code = data.toString("latin1", pos, pos + 2);
    const width = WIDTH[code];
    const path = `parameter ${/^\d\d$/.test(code) ? code : JSON.stringify(code)}`;
    if (width === undefined)
      throw new TmsError("unknown parameter code: its length is unknowable", { path, offset: pos });
    if (seen.has(code)) throw new TmsError("parameter repeated", { path, offset: pos });
    seen.add(code);
    const start = pos + 2;
    if (start + width > data.length) {
      throw new TmsError(`value needs ${width} characters, ${data.length - start} left`, {
        path,
        offset: start,
      });
    }
    const value = data.toString("latin1", start, start + width);
    const numeric = () => {
      if (!/^\d+$/.test(value)) throw new TmsError(`"${value}" is not digits`, { path, offset: start });
      return Number(value);
    };
    const bit = () => {
      if (value !== "0" && value !== "1")
        throw new TmsError(`"${value}" is not 0 or 1`, { path, offset: start });
      return value === "1";
    };
    const dial = () => {
      const trimmed = value.replace(/ +$/, "");
      if (!PHONE.test(trimmed))
        throw new TmsError("phone number is not dialling characters", { path, offset: start });
      return trimmed;
    };
    switch (code) {
      case "11":
        numeric();
        out.applicationType = value;
        break;
      case "12":
        out.timeoutSeconds = numeric();
        break;
      case "13":
        out.retries = numeric();
        break;
      case "14":
      case "15":
      case "16":
        if (Number(code) - 14 !== phones.length) {
          throw new TmsError("transaction phones must come in order 14, 15, 16", { path, offset: pos });
        }
        phones.push(dial());
        break;
      case "17":
        out.managementPhone = dial();
        break;
      case "18":
        out.tipsSupported = bit();
        break;
      case "19":
        out.tipPercent = numeric();
        break;
      default:
        out.manualEntryAllowed = bit();
    }
    pos = start + width;
  }
  if (phones.length > 0) out.transactionPhones = phones;
  return out;
}
