import { equalConstantTime } from "../../protocol/crypto/constant-time.js";
import { macAnsiX919 } from "../../protocol/crypto/mac.js";
import { unionPayEcbMac } from "../../protocol/crypto/mac-unionpay-ecb.js";
import { frameMessage } from "../../protocol/iso8583/cup/frame.js";
import type { CupHeader } from "../../protocol/iso8583/cup/header.js";
import { packWithMac } from "../../protocol/iso8583/cup/mac.js";
import { cupSpec } from "../../protocol/iso8583/cup/spec.js";
import type { Tpdu } from "../../protocol/iso8583/cup/tpdu.js";
import { pack } from "../../protocol/iso8583/message.js";
import type { Iso8583Message } from "../../protocol/iso8583/spec.js";

/** Request fields each response echoes (the host adds 12, 13, 15, 32, 37, 38, 39, 44, 54, 55, 62, 63). */
const ECHO: Record<string, readonly number[]> = {
  "0110": [2, 3, 4, 11, 22, 23, 25, 41, 42, 49, 60, 61],
  "0210": [2, 3, 4, 11, 22, 23, 25, 41, 42, 49, 60, 61],
  "0230": [2, 3, 4, 11, 22, 23, 25, 41, 42, 49, 60, 61],
  "0410": [2, 3, 4, 11, 22, 23, 25, 38, 41, 42, 49, 60, 61],
  "0510": [11, 41, 42, 49, 60],
  "0330": [2, 4, 11, 41, 42, 48, 60],
  "0810": [11, 41, 42],
  "0830": [11, 41, 42, 60],
};
const DEFAULT_ECHO = [11, 41, 42];

/** Host-clock fields: 12 hhmmss, 13 MMDD, and 15 (settlement date) for financial answers. */
function clockFields(now: Date, responseMti: string, out: Record<number, string>): void {
  const p2 = (n: number) => String(n).padStart(2, "0");
  out[12] = `${p2(now.getHours())}${p2(now.getMinutes())}${p2(now.getSeconds())}`;
  out[13] = `${p2(now.getMonth() + 1)}${p2(now.getDate())}`;
  if (!responseMti.startsWith("08") && responseMti !== "0330") out[15] = out[13];
}

/** The response message: echoed request fields, clock fields, 39, then the handler's fields. */
export function responseMessage(
  request: Iso8583Message,
  responseMti: string,
  responseCode: string,
  hostFields: Record<number, string>,
  now: Date,
  acquirerId: string,
): Iso8583Message {
  const fields: Record<number, string> = {};
  for (const n of ECHO[responseMti] ?? DEFAULT_ECHO) {
    const value = request.fields[n];
    if (value !== undefined) fields[n] = value;
  }
  clockFields(now, responseMti, fields);
  if (responseMti !== "0830" && responseMti !== "0330") fields[32] = acquirerId;
  fields[39] = responseCode;
  for (const key in hostFields) fields[key as unknown as number] = hostFields[key as unknown as number]!;
  return { mti: responseMti, fields };
}

export type MacAlgorithm = "pos-ecb" | "x9.19";

/** The field 64 value for a MAB: POS ECB (8 ASCII hex bytes) or X9.19 (8 raw bytes; 8-byte MAK as K‖K). */
export function computeMac(algorithm: MacAlgorithm, mak: Buffer, mab: Buffer): Buffer {
  if (algorithm === "pos-ecb") return unionPayEcbMac(mak, mab);
  if (mak.length === 16) return macAnsiX919(mak, mab);
  const doubled = Buffer.concat([mak, mak]);
  try {
    return macAnsiX919(doubled, mab);
  } finally {
    doubled.fill(0);
  }
}

/** Constant-time check of a request's field 64. */
export function verifyMac(algorithm: MacAlgorithm, mak: Buffer, mab: Buffer, field64: Buffer): boolean {
  return equalConstantTime(computeMac(algorithm, mak, mab), field64);
}

export interface EncodeOptions {
  tpdu: Tpdu;
  header: CupHeader;
  /** MAK and algorithm when the response carries field 64. */
  mac?: { algorithm: MacAlgorithm; mak: Buffer };
  /** Corrupt field 64 (behaviour switch). */
  badMac?: boolean;
}

/** Response message → frame bytes (length, TPDU, header, message with MAC when asked). */
export function encodeResponse(message: Iso8583Message, options: EncodeOptions): Buffer {
  const mac = options.mac;
  const body = mac
    ? packWithMac(message, (mab) => computeMac(mac.algorithm, mac.mak, mab))
    : pack(cupSpec, message);
  if (mac && options.badMac) body[body.length - 1]! ^= 0x01;
  return frameMessage(options.tpdu, options.header, body);
}
