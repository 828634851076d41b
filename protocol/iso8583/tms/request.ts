import type { Iso8583Message } from "../spec.js";
import { buildField60 } from "../subfields/field60.js";
import { TmsError } from "./tms-error.js";

/** 60.3 codes of the TMS downloads (see docs/tms-downloads.md). */
export const TmsCode = {
  Parameters: "360",
  CapkDownload: "370",
  CapkEnd: "371",
  CapkQuery: "372",
  AidDownload: "380",
  AidEnd: "381",
  AidQuery: "382",
  Blacklist: "390",
  BlacklistEnd: "391",
} as const;
export type TmsCode = (typeof TmsCode)[keyof typeof TmsCode];

/** Queries go as 0820, everything else as 0800. */
export function tmsMti(code: TmsCode): "0800" | "0820" {
  return code === TmsCode.CapkQuery || code === TmsCode.AidQuery ? "0820" : "0800";
}

export interface TmsRequestValues {
  terminalId: string;
  merchantId: string;
  stan: string;
  batch: string;
  code: TmsCode;
  /** Field 62 payload; absent for the end messages. */
  data?: Buffer;
}

/** A TMS management request: 11, 41, 42, 60 (00 + batch + code), [62]. No MAC. */
export function buildTmsRequest(v: TmsRequestValues): Iso8583Message {
  if (!/^\d{6}$/.test(v.stan)) throw new TmsError("STAN must be 6 digits", { path: "field 11" });
  if (!/^\d{6}$/.test(v.batch)) throw new TmsError("batch must be 6 digits", { path: "field 60.2" });
  const fields: Record<number, string> = {
    11: v.stan,
    41: v.terminalId,
    42: v.merchantId,
    60: buildField60({ txnType: "00", batch: v.batch, netMgmtCode: v.code }),
  };
  if (v.data !== undefined) fields[62] = v.data.toString("hex").toUpperCase();
  return { mti: tmsMti(v.code), fields };
}
