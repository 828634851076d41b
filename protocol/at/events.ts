import type { AtError } from "./at-error.js";

/** Final result codes: each ends the command in flight. */
export type AtFinalCode =
  | "OK"
  | "ERROR"
  | "CME ERROR"
  | "CMS ERROR"
  | "NO CARRIER"
  | "BUSY"
  | "NO ANSWER"
  | "NO DIALTONE"
  | "CONNECT"
  | "SEND OK"
  | "SEND FAIL"
  | "ABORTED";

export interface AtFinal {
  kind: "final";
  code: AtFinalCode;
  /** OK, SEND OK and CONNECT; everything else failed the command. */
  success: boolean;
  /** `+CME ERROR: 10` → {code: 10}; verbose `+CME ERROR: SIM not inserted` → {text} (code when known). */
  error?: { code?: number; text: string };
  line: string;
  /** A late final for an earlier command, seen while a resync probe waited for its own reply. */
  stale?: boolean;
}

/** An information line belonging to the command in flight, with its raw payload when one followed. */
export interface AtInfo {
  kind: "info";
  line: string;
  /** `+CSQ` for `+CSQ: 20,99`; undefined for bare lines (ATI, AT+GSN). */
  prefix?: string;
  /** The text after `prefix:` (or the whole line). */
  args: string;
  payload?: Buffer;
}

/** An unsolicited result code, recognised anywhere, even between a command's lines and its OK. */
export interface AtUrc {
  kind: "urc";
  /** `+QIURC`, `+CREG`, `RDY`, `POWERED DOWN`… */
  name: string;
  line: string;
  args: string;
  payload?: Buffer;
}

/** The `> ` prompt (no line ending): the module waits for the payload. */
export interface AtPrompt {
  kind: "prompt";
}

/** The module echoing the command line (echo on, e.g. right after a reboot). */
export interface AtEcho {
  kind: "echo";
  line: string;
}

/** Input the parser had to drop (over-long line, impossible payload length); parsing goes on. */
export interface AtFault {
  kind: "fault";
  error: AtError;
}

export type AtEvent = AtFinal | AtInfo | AtUrc | AtPrompt | AtEcho | AtFault;
