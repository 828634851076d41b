import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AtError } from "../../../protocol/at/at-error.js";
import { type AtExpectation, AtParser } from "../../../protocol/at/at-parser.js";
import type { AtEvent } from "../../../protocol/at/events.js";

const bytes = (text: string) => Buffer.from(text, "latin1");

function parse(
  input: Buffer | string,
  expectation?: AtExpectation,
  chunk = Number.POSITIVE_INFINITY,
): AtEvent[] {
  const parser = new AtParser();
  parser.expect(expectation);
  const data = typeof input === "string" ? bytes(input) : input;
  const events: AtEvent[] = [];
  const step = Math.min(chunk, data.length || 1);
  for (let at = 0; at < data.length; at += step) events.push(...parser.push(data.subarray(at, at + step)));
  return events;
}

const kinds = (events: AtEvent[]) =>
  events.map((e) => (e.kind === "final" ? `final:${e.code}` : e.kind === "urc" ? `urc:${e.name}` : e.kind));

describe("AtParser: final result codes", () => {
  it.each([
    ["OK", true],
    ["ERROR", false],
    ["NO CARRIER", false],
    ["BUSY", false],
    ["NO ANSWER", false],
    ["SEND OK", true],
    ["SEND FAIL", false],
    ["CONNECT", true],
  ])("%s", (code, success) => {
    const [event] = parse(`\r\n${code}\r\n`, { text: "AT" });
    expect(event).toMatchObject({ kind: "final", code, success });
  });

  it("+CME ERROR numeric and verbose decode to the same code", () => {
    expect(parse("\r\n+CME ERROR: 10\r\n", { text: "AT+CPIN?", prefix: "+CPIN" })[0]).toMatchObject({
      kind: "final",
      code: "CME ERROR",
      success: false,
      error: { code: 10, text: "SIM not inserted" },
    });
    expect(parse("\r\n+CME ERROR: SIM not inserted\r\n", { text: "AT+CPIN?" })[0]).toMatchObject({
      error: { code: 10 },
    });
    expect(parse("\r\n+CMS ERROR: 500\r\n", { text: "AT+CMGS" })[0]).toMatchObject({
      code: "CMS ERROR",
      error: { code: 500 },
    });
  });

  it("the final clears the command in flight, so a URC right after OK is a URC", () => {
    const events = parse("\r\n+CREG: 0,1\r\n\r\nOK\r\n\r\n+CREG: 5\r\n", {
      text: "AT+CREG?",
      prefix: "+CREG",
    });
    expect(kinds(events)).toEqual(["info", "final:OK", "urc:+CREG"]);
  });
});

describe("AtParser: information lines and URCs (reference sequences §6.1)", () => {
  it("AT+CSQ → +CSQ: rssi,ber then OK", () => {
    const events = parse("\r\n+CSQ: 24,0\r\n\r\nOK\r\n", { text: "AT+CSQ", prefix: "+CSQ" });
    expect(events[0]).toMatchObject({ kind: "info", prefix: "+CSQ", args: "24,0" });
    expect(kinds(events)).toEqual(["info", "final:OK"]);
  });

  it("ATI: bare info lines belong to the command in flight", () => {
    const events = parse("\r\nQuectel\r\nEC25\r\nRevision: EC25EFAR06A06M4G\r\n\r\nOK\r\n", { text: "ATI" });
    expect(kinds(events)).toEqual(["info", "info", "info", "final:OK"]);
  });

  it("URCs between a command's info lines and its OK are URCs", () => {
    const events = parse(
      '\r\n+QIACT: 1,1,1,"10.0.0.2"\r\n\r\n+QIURC: "recv",0\r\n\r\n+CREG: 1\r\n\r\nOK\r\n',
      {
        text: "AT+QIACT?",
        prefix: "+QIACT",
      },
    );
    expect(kinds(events)).toEqual(["info", "urc:+QIURC", "urc:+CREG", "final:OK"]);
  });

  it("+CREG is info when asked for, a URC otherwise; +QIOPEN is always a URC", () => {
    expect(kinds(parse("\r\n+CREG: 0,1\r\n", { text: "AT+CREG?", prefix: "+CREG" }))).toEqual(["info"]);
    expect(kinds(parse("\r\n+CREG: 1\r\n", { text: "AT+CSQ", prefix: "+CSQ" }))).toEqual(["urc:+CREG"]);
    expect(kinds(parse("\r\n+QIOPEN: 0,0\r\n", { text: "AT+QIOPEN=1,0" }))).toEqual(["urc:+QIOPEN"]);
  });

  it("banners and power URCs: RDY, +CPIN, POWERED DOWN, with or without a command in flight", () => {
    const text = "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nPOWERED DOWN\r\n";
    expect(kinds(parse(text))).toEqual(["urc:RDY", "urc:+CFUN", "urc:+CPIN", "urc:POWERED DOWN"]);
    expect(kinds(parse(text, { text: "AT+CSQ", prefix: "+CSQ" }))).toEqual([
      "urc:RDY",
      "urc:+CFUN",
      "urc:+CPIN",
      "urc:POWERED DOWN",
    ]);
  });

  it("the echo of the command is recognised", () => {
    expect(kinds(parse("ATE0\r\r\nOK\r\n", { text: "ATE0" }))).toEqual(["echo", "final:OK"]);
  });
});

describe("AtParser: prompt and binary payloads", () => {
  it("`> ` with no line ending is a prompt when one is due", () => {
    expect(kinds(parse("> ", { text: "AT+QISEND=0,5", expectPrompt: true }))).toEqual(["prompt"]);
    expect(kinds(parse("\r\n> ", { text: "AT+QISEND=0,5", expectPrompt: true }))).toEqual(["prompt"]);
    expect(kinds(parse("> \r\nSEND OK\r\n", { text: "AT+QISEND=0,5", expectPrompt: true }, 1))).toEqual([
      "prompt",
      "final:SEND OK",
    ]);
  });

  it("`> ` is ordinary text when no prompt is due", () => {
    expect(kinds(parse("> hello\r\n", { text: "ATI" }))).toEqual(["info"]);
  });

  it("+QIRD: n is followed by exactly n raw bytes, even ones that look like OK", () => {
    const payload = Buffer.from('\r\nOK\r\n\x00\xff+QIURC: "closed",0\r\n', "latin1");
    const input = Buffer.concat([
      bytes(`\r\n+QIRD: ${payload.length}\r\n`),
      payload,
      bytes("\r\n\r\nOK\r\n"),
    ]);
    for (const chunk of [1, 2, 3, 7, 1000]) {
      const events = parse(input, { text: "AT+QIRD=0,1500", prefix: "+QIRD" }, chunk);
      expect(kinds(events)).toEqual(["info", "final:OK"]);
      expect((events[0] as { payload: Buffer }).payload.equals(payload)).toBe(true);
    }
  });

  it("+QIRD: 0 carries no payload; the query form +QIRD: total,read,unread neither", () => {
    expect(kinds(parse("\r\n+QIRD: 0\r\n\r\nOK\r\n", { text: "AT+QIRD=0,1500", prefix: "+QIRD" }))).toEqual([
      "info",
      "final:OK",
    ]);
    expect(
      kinds(parse("\r\n+QIRD: 10,10,0\r\n\r\nOK\r\n", { text: "AT+QIRD=0,0", prefix: "+QIRD" })),
    ).toEqual(["info", "final:OK"]);
  });

  it('direct push: +QIURC: "recv",id,len then len bytes, between other lines', () => {
    const input = bytes('\r\n+CSQ: 20,99\r\n\r\n+QIURC: "recv",3,6\r\nOK\r\n\r\n\r\nOK\r\n');
    const events = parse(input, { text: "AT+CSQ", prefix: "+CSQ" }, 4);
    expect(kinds(events)).toEqual(["info", "urc:+QIURC", "final:OK"]);
    expect((events[1] as { payload: Buffer }).payload.toString("latin1")).toBe("OK\r\n\r\n");
  });
});

describe("AtParser: faults and resync", () => {
  it("an over-long line is dropped with a typed fault and parsing goes on", () => {
    const parser = new AtParser({ maxLineLength: 16 });
    const events = parser.push(bytes(`${"X".repeat(40)}\r\nOK\r\n`));
    expect(events[0]?.kind).toBe("fault");
    expect((events[0] as { error: unknown }).error).toBeInstanceOf(AtError);
    expect(kinds(events.slice(1))).toEqual(["final:OK"]);
  });

  it("a payload length beyond the limit is a fault, not a hang", () => {
    const parser = new AtParser({ maxPayload: 100 });
    parser.expect({ text: "AT+QIRD=0,1500", prefix: "+QIRD" });
    const events = parser.push(bytes("\r\n+QIRD: 5000\r\n\r\nOK\r\n"));
    expect(kinds(events)).toEqual(["fault", "info", "final:OK"]);
  });

  it("during a resync probe, finals before its own info line are stale", () => {
    const events = parse("\r\nERROR\r\n\r\n+QIACT: 1,1\r\n\r\nOK\r\n\r\n+CSQ: 20,99\r\n\r\nOK\r\n", {
      text: "AT+CSQ",
      prefix: "+CSQ",
      resync: true,
    });
    expect(events.map((e) => (e.kind === "final" ? `${e.code}${e.stale ? "(stale)" : ""}` : e.kind))).toEqual(
      ["ERROR(stale)", "info", "OK(stale)", "info", "OK"],
    );
  });
});

const transcript = Buffer.concat([
  bytes('\r\n+CSQ: 24,0\r\n\r\n+QIURC: "recv",0\r\n\r\nOK\r\n'),
  bytes("\r\n+QIRD: 8\r\n"),
  bytes("\r\nOK\r\n\x00\x01"),
  bytes('\r\n\r\nOK\r\n\r\n+QIURC: "closed",0\r\n\r\nRDY\r\n'),
]);

describe("AtParser: properties", () => {
  it("any split of a transcript yields the same events", () => {
    const whole = (() => {
      const parser = new AtParser();
      parser.expect({ text: "AT+CSQ", prefix: "+CSQ" });
      const first = parser.push(transcript.subarray(0, 44));
      parser.expect({ text: "AT+QIRD=0,1500", prefix: "+QIRD" });
      return [...first, ...parser.push(transcript.subarray(44))];
    })();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const parser = new AtParser();
        parser.expect({ text: "AT+CSQ", prefix: "+CSQ" });
        const events: AtEvent[] = [...parser.push(transcript.subarray(0, 44))];
        parser.expect({ text: "AT+QIRD=0,1500", prefix: "+QIRD" });
        let at = 44;
        let i = 0;
        while (at < transcript.length) {
          const size = sizes[i++ % sizes.length]!;
          events.push(...parser.push(transcript.subarray(at, at + size)));
          at += size;
        }
        expect(events).toEqual(whole);
      }),
      { seed: 0x5a7, numRuns: 300 },
    );
  });

  it("payload round trip: any bytes of any length come back exactly", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        (data, chunk) => {
          const payload = Buffer.from(data);
          const input = Buffer.concat([
            bytes(`\r\n+QIRD: ${payload.length}\r\n`),
            payload,
            bytes("\r\n\r\nOK\r\n"),
          ]);
          const events = parse(input, { text: "AT+QIRD=0,1500", prefix: "+QIRD" }, chunk);
          expect(kinds(events)).toEqual(["info", "final:OK"]);
          expect((events[0] as { payload: Buffer }).payload.equals(payload)).toBe(true);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("fuzz: random bytes in random splits only yield known events, never throw, never hang", () => {
    const known = new Set(["final", "info", "urc", "prompt", "echo", "fault"]);
    const alphabet = fc.constantFrom(
      ...'\r\n> +QIRD: 123,"recv"OKERROR\x00\xff0'.split("").map((c) => c.charCodeAt(0)),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc.array(alphabet, { maxLength: 400 }).map((a) => Uint8Array.from(a)),
        ),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        (data, chunk, prompt) => {
          const parser = new AtParser({ maxLineLength: 64, maxPayload: 200 });
          parser.expect({ text: "AT+QIRD=0,1500", prefix: "+QIRD", expectPrompt: prompt });
          for (let at = 0; at < data.length; at += chunk) {
            for (const event of parser.push(data.subarray(at, at + chunk))) {
              expect(known.has(event.kind)).toBe(true);
              if (event.kind === "fault") expect(event.error).toBeInstanceOf(AtError);
            }
          }
        },
      ),
      { seed: 0xbeef, numRuns: 2000 },
    );
  });
});
