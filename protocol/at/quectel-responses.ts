import { AtError } from "./at-error.js";
import { intParam, splitParams } from "./params.js";

/** Decoders for the information lines of the Quectel commands (§6.1). Each takes the text after `prefix:`. */

export interface SignalQuality {
  /** Received signal strength in dBm (−113 … −51), undefined when the module reports 99. */
  rssiDbm: number | undefined;
  /** Bit error rate class 0–7, undefined when 99. */
  ber: number | undefined;
  /** The raw CSQ values. */
  rssi: number;
  berRaw: number;
}

/** `+CSQ: <rssi>,<ber>`: rssi 0–31 ⇒ −113 + 2·rssi dBm, 99 unknown (TS 27.007 §8.5). */
export function parseCsq(args: string): SignalQuality {
  const params = splitParams(args, "+CSQ");
  const rssi = intParam(params, 0, "+CSQ.rssi");
  const berRaw = intParam(params, 1, "+CSQ.ber");
  if (!((rssi >= 0 && rssi <= 31) || rssi === 99))
    throw new AtError(`rssi ${rssi} out of range`, { path: "+CSQ.rssi" });
  if (!((berRaw >= 0 && berRaw <= 7) || berRaw === 99)) {
    throw new AtError(`ber ${berRaw} out of range`, { path: "+CSQ.ber" });
  }
  return {
    rssiDbm: rssi === 99 ? undefined : -113 + 2 * rssi,
    ber: berRaw === 99 ? undefined : berRaw,
    rssi,
    berRaw,
  };
}

/** `+CPIN: READY | SIM PIN | SIM PUK | …`. */
export function parseCpin(args: string): string {
  const state = args.trim().toUpperCase();
  if (state.length === 0) throw new AtError("empty SIM state", { path: "+CPIN" });
  return state;
}

export type RegistrationStatus = "not-registered" | "home" | "searching" | "denied" | "unknown" | "roaming";
const REG_STATUS: readonly RegistrationStatus[] = [
  "not-registered",
  "home",
  "searching",
  "denied",
  "unknown",
  "roaming",
];

export interface Registration {
  status: RegistrationStatus;
  /** Home or roaming. */
  registered: boolean;
  stat: number;
  lac?: string;
  cellId?: string;
}

/**
 * `+CREG: <n>,<stat>[,<lac>,<ci>[,<act>]]` (reply to the query) or `+CREG: <stat>[,…]` (URC);
 * same for +CGREG/+CEREG. `isUrc` says which layout the line has.
 */
export function parseRegistration(args: string, isUrc = false, path = "+CREG"): Registration {
  const params = splitParams(args, path);
  const at = isUrc ? 0 : 1;
  const stat = intParam(params, at, `${path}.stat`);
  const status = REG_STATUS[stat];
  if (status === undefined) throw new AtError(`stat ${stat} out of range`, { path: `${path}.stat` });
  const result: Registration = { status, registered: stat === 1 || stat === 5, stat };
  if (params[at + 1]) result.lac = params[at + 1]!;
  if (params[at + 2]) result.cellId = params[at + 2]!;
  return result;
}

/** `+QIOPEN: <connectID>,<err>`. */
export function parseQiopen(args: string): { connectId: number; error: number } {
  const params = splitParams(args, "+QIOPEN");
  return { connectId: intParam(params, 0, "+QIOPEN.connectId"), error: intParam(params, 1, "+QIOPEN.err") };
}

export interface PdpContextState {
  context: number;
  active: boolean;
  type: number;
  ip: string;
}

/** `+QIACT: <ctx>,<state>,<type>,"<ip>"`. */
export function parseQiact(args: string): PdpContextState {
  const params = splitParams(args, "+QIACT");
  return {
    context: intParam(params, 0, "+QIACT.context"),
    active: intParam(params, 1, "+QIACT.state") === 1,
    type: intParam(params, 2, "+QIACT.type"),
    ip: params[3] ?? "",
  };
}

/** `+QIGETERROR: <err>,<text>`. */
export function parseQigeterror(args: string): { code: number; text: string } {
  const params = splitParams(args, "+QIGETERROR");
  return { code: intParam(params, 0, "+QIGETERROR.err"), text: params[1] ?? "" };
}

export type Qiurc =
  | { type: "recv"; connectId: number; length?: number }
  | { type: "closed"; connectId: number }
  | { type: "pdpdeact"; context: number }
  | { type: "incoming full" }
  | { type: "dnsgip"; args: string[] }
  | { type: "other"; name: string; args: string[] };

/** `+QIURC: "recv",<id>[,<len>]` | `"closed",<id>` | `"pdpdeact",<ctx>` | `"dnsgip",…`. */
export function parseQiurc(args: string): Qiurc {
  const params = splitParams(args, "+QIURC");
  const type = params[0] ?? "";
  switch (type) {
    case "recv": {
      const connectId = intParam(params, 1, "+QIURC.recv.connectId");
      return params.length > 2
        ? { type, connectId, length: intParam(params, 2, "+QIURC.recv.length") }
        : { type, connectId };
    }
    case "closed":
      return { type, connectId: intParam(params, 1, "+QIURC.closed.connectId") };
    case "pdpdeact":
      return { type, context: intParam(params, 1, "+QIURC.pdpdeact.context") };
    case "incoming full":
      return { type };
    case "dnsgip":
      return { type, args: params.slice(1) };
    default:
      return { type: "other", name: type, args: params.slice(1) };
  }
}

/** `+QIRD: <n>` (payload follows) or `+QIRD: <total>,<read>,<unread>` (query form). */
export function parseQirdLength(args: string): number {
  return intParam(splitParams(args, "+QIRD"), 0, "+QIRD.length");
}
