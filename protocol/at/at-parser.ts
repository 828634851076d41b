import { AtError } from "./at-error.js";
import { decodeCmeError } from "./cme-errors.js";
import type { AtEvent, AtFinal, AtFinalCode, AtInfo, AtUrc } from "./events.js";
import { splitParams } from "./params.js";

/** What the parser needs to know about the command in flight to classify lines. */
export interface AtExpectation {
  /** The command line as sent (without CR), to recognise its echo. */
  text: string;
  /** Information prefix of its reply (`+CSQ`); lines with it are info even if the name is also a URC. */
  prefix?: string;
  /** The command answers with `> ` before its payload (AT+QISEND). */
  expectPrompt?: boolean;
  /**
   * A resynchronisation probe sent after a command timed out: finals arriving before the probe's own
   * information line are late replies to the earlier command, so they are marked `stale` and do not
   * end the probe (the module answers commands strictly in order).
   */
  resync?: boolean;
}

/** Returns how many raw bytes follow a line (`+QIRD: 5`), or undefined when none do. */
export type PayloadRule = (name: string, params: readonly string[]) => number | undefined;

export interface AtParserOptions {
  /** Longest line kept; longer ones are dropped with a fault event (default 2048). */
  maxLineLength?: number;
  /** Largest payload accepted after a line (default 65536; Quectel reads at most 1500). */
  maxPayload?: number;
  payloadRule?: PayloadRule;
  /** Prefixes/lines that are always unsolicited. */
  alwaysUrc?: readonly string[];
  /** Prefixes that are unsolicited unless the command in flight asked for them (+CREG after AT+CREG?). */
  contextUrc?: readonly string[];
}

/** Quectel: `+QIRD: <n>` and, in direct-push mode, `+QIURC: "recv",<id>,<n>` are followed by n raw bytes. */
export const quectelPayloadRule: PayloadRule = (name, params) => {
  if (name === "+QIRD" && params.length === 1) return Number(params[0]);
  if (name === "+QIURC" && params[0] === "recv" && params.length === 3) return Number(params[2]);
  return undefined;
};

export const QUECTEL_ALWAYS_URC = [
  "+QIURC",
  "+QIOPEN",
  "+QIND",
  "+QUSIM",
  "+CGEV",
  "+QSTAT",
  "RDY",
  "POWERED DOWN",
  "NORMAL POWER DOWN",
  "SMS DONE",
  "+QPOWD",
] as const;

export const QUECTEL_CONTEXT_URC = ["+CREG", "+CGREG", "+CEREG", "+CPIN", "+CFUN", "+CTZV", "+QNTP"] as const;

const FINALS: ReadonlyMap<string, AtFinalCode> = new Map<string, AtFinalCode>([
  ["OK", "OK"],
  ["ERROR", "ERROR"],
  ["NO CARRIER", "NO CARRIER"],
  ["BUSY", "BUSY"],
  ["NO ANSWER", "NO ANSWER"],
  ["NO DIALTONE", "NO DIALTONE"],
  ["CONNECT", "CONNECT"],
  ["SEND OK", "SEND OK"],
  ["SEND FAIL", "SEND FAIL"],
  ["ABORTED", "ABORTED"],
]);
const SUCCESS: ReadonlySet<AtFinalCode> = new Set<AtFinalCode>(["OK", "CONNECT", "SEND OK"]);

const CR = 0x0d;
const LF = 0x0a;

/**
 * Incremental AT response parser: bytes in, events out, in any chunking. A byte-level tokenizer with
 * three modes (lines, `> ` prompt at line start, exactly N raw bytes after a payload line), because a
 * line splitter cannot tell a `\r\nOK\r\n` inside a payload from the final result (§6.4).
 * Pure: no timers, no I/O. It never throws on input; bad input yields `fault` events.
 */
export class AtParser {
  private readonly maxLineLength: number;
  private readonly maxPayload: number;
  private readonly payloadRule: PayloadRule;
  private readonly alwaysUrc: ReadonlySet<string>;
  private readonly contextUrc: ReadonlySet<string>;
  private line: number[] = [];
  private overflow = false;
  private skipLf = false;
  private payload: { event: AtInfo | AtUrc; needed: number; chunks: Buffer[]; have: number } | undefined;
  private inflight: AtExpectation | undefined;
  private sawInfo = false;
  private consumed = 0;

  constructor(options: AtParserOptions = {}) {
    this.maxLineLength = options.maxLineLength ?? 2048;
    this.maxPayload = options.maxPayload ?? 65536;
    this.payloadRule = options.payloadRule ?? quectelPayloadRule;
    this.alwaysUrc = new Set(options.alwaysUrc ?? QUECTEL_ALWAYS_URC);
    this.contextUrc = new Set(options.contextUrc ?? QUECTEL_CONTEXT_URC);
  }

  /** Sets (or clears) the command in flight. Cleared automatically by its final result. */
  expect(command: AtExpectation | undefined): void {
    this.inflight = command;
    this.sawInfo = false;
  }

  get expecting(): AtExpectation | undefined {
    return this.inflight;
  }

  /** True while raw payload bytes are being collected. */
  get inPayload(): boolean {
    return this.payload !== undefined;
  }

  /** Drops partial input (after a reopen or a module reboot). */
  reset(): void {
    this.line = [];
    this.overflow = false;
    this.skipLf = false;
    this.payload = undefined;
    this.inflight = undefined;
  }

  push(chunk: Uint8Array): AtEvent[] {
    const events: AtEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.payload) {
        if (this.skipLf) {
          this.skipLf = false;
          if (chunk[i] === LF) {
            i++;
            this.consumed++;
            continue;
          }
        }
        const take = Math.min(this.payload.needed - this.payload.have, chunk.length - i);
        this.payload.chunks.push(Buffer.from(chunk.subarray(i, i + take)));
        this.payload.have += take;
        i += take;
        this.consumed += take;
        if (this.payload.have === this.payload.needed) {
          const { event, chunks } = this.payload;
          this.payload = undefined;
          event.payload = Buffer.concat(chunks);
          events.push(event);
        }
        continue;
      }
      const byte = chunk[i]!;
      i++;
      this.consumed++;
      if (byte === LF && this.skipLf) {
        this.skipLf = false;
        continue;
      }
      this.skipLf = false;
      if (byte === CR || byte === LF) {
        this.skipLf = byte === CR;
        this.endLine(events);
        continue;
      }
      if (this.overflow) continue;
      if (this.line.length >= this.maxLineLength) {
        this.overflow = true;
        this.line = [];
        events.push({
          kind: "fault",
          error: new AtError(`line longer than ${this.maxLineLength} bytes dropped`, {
            path: "line",
            offset: this.consumed - 1,
          }),
        });
        continue;
      }
      this.line.push(byte);
      // `> ` arrives with no line ending: recognise it at the start of a line when a prompt is due.
      if (
        this.line.length === 2 &&
        this.line[0] === 0x3e &&
        this.line[1] === 0x20 &&
        this.inflight?.expectPrompt
      ) {
        this.line = [];
        events.push({ kind: "prompt" });
      }
    }
    return events;
  }

  private endLine(events: AtEvent[]): void {
    const bytes = this.line;
    this.line = [];
    if (this.overflow) {
      this.overflow = false;
      return;
    }
    const text = Buffer.from(bytes).toString("latin1").trim();
    if (text.length === 0) return;
    if (text === ">" && this.inflight?.expectPrompt) {
      events.push({ kind: "prompt" });
      return;
    }
    const event = this.classify(text);
    if (event.kind === "final") {
      if (this.inflight?.resync && !this.sawInfo) event.stale = true;
      else this.inflight = undefined;
      events.push(event);
      return;
    }
    if (
      event.kind === "info" &&
      (!this.inflight?.resync || event.prefix === this.inflight.prefix?.toUpperCase())
    ) {
      this.sawInfo = true;
    }
    if (event.kind === "info" || event.kind === "urc") {
      const needed = this.payloadLength(event);
      if (needed === "bad") {
        events.push({
          kind: "fault",
          error: new AtError(`payload length out of range in ${JSON.stringify(text)}`, {
            path: event.kind === "info" ? (event.prefix ?? "info") : event.name,
            offset: this.consumed,
          }),
        });
        events.push(event);
        return;
      }
      if (needed > 0) {
        this.payload = { event, needed, chunks: [], have: 0 };
        return;
      }
    }
    events.push(event);
  }

  private payloadLength(event: AtInfo | AtUrc): number | "bad" {
    const name = event.kind === "info" ? event.prefix : event.name;
    if (name === undefined) return 0;
    let params: string[];
    try {
      params = splitParams(event.args);
    } catch {
      return 0;
    }
    const n = this.payloadRule(name, params);
    if (n === undefined) return 0;
    if (!Number.isInteger(n) || n < 0 || n > this.maxPayload) return "bad";
    return n;
  }

  private classify(text: string): AtFinal | AtInfo | AtUrc | { kind: "echo"; line: string } {
    const final = FINALS.get(text);
    if (final) return { kind: "final", code: final, success: SUCCESS.has(final), line: text };
    for (const [prefix, code] of [
      ["+CME ERROR:", "CME ERROR"],
      ["+CMS ERROR:", "CMS ERROR"],
    ] as const) {
      if (text.startsWith(prefix)) {
        return {
          kind: "final",
          code,
          success: false,
          error: decodeCmeError(text.slice(prefix.length)),
          line: text,
        };
      }
    }
    if (this.inflight && text.toUpperCase() === this.inflight.text.trim().toUpperCase()) {
      return { kind: "echo", line: text };
    }
    const match = /^(\+[A-Za-z0-9]+)(?::\s?(.*))?$/.exec(text);
    if (match) {
      const name = match[1]!.toUpperCase();
      const args = match[2] ?? "";
      const asked = this.inflight?.prefix?.toUpperCase() === name;
      if (!asked && (this.alwaysUrc.has(name) || this.contextUrc.has(name) || !this.inflight)) {
        return { kind: "urc", name, line: text, args };
      }
      return { kind: "info", line: text, prefix: name, args };
    }
    if (this.alwaysUrc.has(text) || !this.inflight) return { kind: "urc", name: text, line: text, args: "" };
    return { kind: "info", line: text, args: text };
  }
}
