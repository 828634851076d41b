import { type ResponseCodeInfo, responseCode } from "../../protocol/iso8583/cup/response-codes.js";
import type { Iso8583Message } from "../../protocol/iso8583/spec.js";
import { parseField44 } from "../../protocol/iso8583/subfields/field44.js";
import { parseField63 } from "../../protocol/iso8583/subfields/field63.js";

/** A host response read into what the terminal journals, prints and shows. */
export interface HostReply {
  code: string;
  approved: boolean;
  info: ResponseCodeInfo;
  rrn?: string;
  authCode?: string;
  hostDate?: string;
  hostTime?: string;
  issuerCode?: string;
  acquirerCode?: string;
  cardOrg?: string;
  /** Field 54 balance (fen) for balance inquiries, when present. */
  balance?: number;
  field55?: Buffer;
}

/** Field 54: repeated 20-char blocks; the first ledger/available balance (type 02) with its sign. */
function balanceOf(field54: string | undefined): number | undefined {
  if (!field54) return undefined;
  for (let at = 0; at + 20 <= field54.length; at += 20) {
    const block = field54.slice(at, at + 20);
    const sign = block[7] === "D" ? -1 : 1;
    const value = Number(block.slice(8, 20));
    if (Number.isSafeInteger(value)) return sign * value;
  }
  return undefined;
}

function optional<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export function readHostReply(message: Iso8583Message): HostReply {
  const f = message.fields;
  const code = f[39] ?? "";
  const info = responseCode(code);
  const f44 = f[44] === undefined ? undefined : optional(() => parseField44(f[44]!));
  const f63 = f[63] === undefined ? undefined : optional(() => parseField63(f[63]!));
  const reply: HostReply = { code, approved: code === "00", info };
  const set = <K extends keyof HostReply>(key: K, value: HostReply[K] | undefined) => {
    if (value !== undefined && value !== "") reply[key] = value;
  };
  set("rrn", f[37]?.trim());
  set("authCode", f[38]?.trim());
  set("hostDate", f[13]);
  set("hostTime", f[12]);
  set("issuerCode", f44?.issuerId?.trim());
  set("acquirerCode", f44?.acquirerId?.trim());
  set("cardOrg", f63?.code?.trim());
  set("balance", balanceOf(f[54]));
  if (f[55]) set("field55", Buffer.from(f[55], "hex"));
  return reply;
}
