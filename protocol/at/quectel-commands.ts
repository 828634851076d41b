import { AtError } from "./at-error.js";
import { AT_TIMEOUTS, type AtCommand } from "./command.js";
import { quote } from "./params.js";

/** Builders for the Quectel EC2x/EG25 commands the modem driver uses (§6.1). */

const simple = (text: string, prefix?: string, timeoutMs: number = AT_TIMEOUTS.default): AtCommand =>
  prefix === undefined ? { text, timeoutMs } : { text, prefix, timeoutMs };

function checkRange(value: number, min: number, max: number, path: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AtError(`must be an integer in ${min}..${max}, got ${value}`, { path });
  }
  return value;
}

export const at = (): AtCommand => simple("AT");
export const echoOff = (): AtCommand => simple("ATE0");
/** AT+CMEE=2: verbose +CME ERROR texts (the driver decodes numeric and verbose alike). */
export const verboseErrors = (): AtCommand => simple("AT+CMEE=2");
export const identify = (): AtCommand => simple("ATI");
export const imei = (): AtCommand => simple("AT+GSN");
export const simStatus = (): AtCommand => simple("AT+CPIN?", "+CPIN", AT_TIMEOUTS.cpin);
export const imsi = (): AtCommand => simple("AT+CIMI");
export const iccid = (): AtCommand => simple("AT+QCCID", "+QCCID");
export const signalQuality = (): AtCommand => simple("AT+CSQ", "+CSQ");
export const csRegistration = (): AtCommand => simple("AT+CREG?", "+CREG");
export const psRegistration = (): AtCommand => simple("AT+CGREG?", "+CGREG");
export const epsRegistration = (): AtCommand => simple("AT+CEREG?", "+CEREG");
export const operator = (): AtCommand => simple("AT+COPS?", "+COPS", AT_TIMEOUTS.cops);
/** AT+CFUN=1,1: full functionality with a module reset (ends in RDY). */
export const resetModule = (): AtCommand => simple("AT+CFUN=1,1", undefined, AT_TIMEOUTS.cfun);

export type PdpAuth = "none" | "pap" | "chap" | "pap-or-chap";
const AUTH: Record<PdpAuth, number> = { none: 0, pap: 1, chap: 2, "pap-or-chap": 3 };

/** AT+QICSGP=<ctx>,1,"<apn>","<user>","<pass>",<auth>: IPv4 context (CMNET / UNINET / CTNET). */
export function configureContext(options: {
  context?: number;
  apn: string;
  user?: string;
  password?: string;
  auth?: PdpAuth;
}): AtCommand {
  const context = checkRange(options.context ?? 1, 1, 16, "qicsgp.context");
  const text =
    `AT+QICSGP=${context},1,${quote(options.apn, "qicsgp.apn")},${quote(options.user ?? "", "qicsgp.user")},` +
    `${quote(options.password ?? "", "qicsgp.password")},${AUTH[options.auth ?? "none"]}`;
  return simple(text);
}

export const activateContext = (context = 1): AtCommand => ({
  text: `AT+QIACT=${checkRange(context, 1, 16, "qiact.context")}`,
  timeoutMs: AT_TIMEOUTS.qiact,
  abortable: false,
});
export const deactivateContext = (context = 1): AtCommand =>
  simple(`AT+QIDEACT=${checkRange(context, 1, 16, "qideact.context")}`, undefined, AT_TIMEOUTS.qideact);
export const contextStatus = (): AtCommand => simple("AT+QIACT?", "+QIACT", AT_TIMEOUTS.default);
export const lastTcpIpError = (): AtCommand => simple("AT+QIGETERROR", "+QIGETERROR");

/** Receive modes: 0 buffer (`+QIURC: "recv",id` then AT+QIRD), 1 direct push, 2 transparent. */
export type AccessMode = 0 | 1 | 2;

/** AT+QIOPEN=<ctx>,<id>,"TCP","<host>",<port>,0,<mode>: OK now, `+QIOPEN: <id>,<err>` later. */
export function openSocket(options: {
  context?: number;
  connectId: number;
  host: string;
  port: number;
  accessMode?: AccessMode;
}): AtCommand {
  const context = checkRange(options.context ?? 1, 1, 16, "qiopen.context");
  const id = checkRange(options.connectId, 0, 11, "qiopen.connectId");
  const port = checkRange(options.port, 1, 65535, "qiopen.port");
  const mode = checkRange(options.accessMode ?? 0, 0, 2, "qiopen.accessMode");
  return simple(`AT+QIOPEN=${context},${id},"TCP",${quote(options.host, "qiopen.host")},${port},0,${mode}`);
}

/** Quectel's largest single AT+QISEND payload. */
export const MAX_SEND = 1460;
/** Largest AT+QIRD read. */
export const MAX_READ = 1500;

/** AT+QISEND=<id>,<len>: `> `, then exactly len bytes, then SEND OK / SEND FAIL. */
export function send(connectId: number, payload: Buffer): AtCommand {
  const id = checkRange(connectId, 0, 11, "qisend.connectId");
  checkRange(payload.length, 1, MAX_SEND, "qisend.length");
  return {
    text: `AT+QISEND=${id},${payload.length}`,
    timeoutMs: AT_TIMEOUTS.qisend,
    expectPrompt: true,
    payload,
  };
}

/** AT+QIRD=<id>,<n>: `+QIRD: <actual>` followed by that many raw bytes, then OK. */
export function read(connectId: number, length: number = MAX_READ): AtCommand {
  const id = checkRange(connectId, 0, 11, "qird.connectId");
  return simple(`AT+QIRD=${id},${checkRange(length, 1, MAX_READ, "qird.length")}`, "+QIRD");
}

export const closeSocket = (connectId: number, timeoutS = 10): AtCommand =>
  simple(
    `AT+QICLOSE=${checkRange(connectId, 0, 11, "qiclose.connectId")},${checkRange(timeoutS, 0, 65535, "qiclose.timeout")}`,
    undefined,
    Math.max(AT_TIMEOUTS.qiclose, timeoutS * 1000 + 1000),
  );
