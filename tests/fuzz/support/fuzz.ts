import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";

/**
 * The fuzz campaign's harness (issue 9, "Bad input tried"). Every parser that reads outside data is
 * driven with seeded fast-check inputs; each call must return or throw the codec's own typed error,
 * finish within MAX_CALL_MS and return something not far larger than its input. Counts are kept per
 * parser and printed as a table when the file ends (see `printFuzzTable`).
 */

/** FUZZ_SCALE multiplies every budget (default 1; e.g. FUZZ_SCALE=10 for a longer run on demand). */
export const FUZZ_SCALE = scaleFromEnv(process.env.FUZZ_SCALE);
/** A single parser call slower than this is a failure (a hang in the making). */
export const MAX_CALL_MS = 200;
/** Size of the "large input" family: a 64 KiB input must still be fast and not blow up. */
export const LARGE_INPUT = 64 * 1024;

function scaleFromEnv(text: string | undefined): number {
  if (text === undefined || text === "") return 1;
  const scale = Number(text);
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`FUZZ_SCALE must be a positive number, got ${text}`);
  return scale;
}

// biome-ignore lint/suspicious/noExplicitAny: error classes have differing constructor signatures
export type ErrorClass = abstract new (...args: any[]) => Error;

export interface FuzzFamily<I> {
  /** "random", "mutated", "structured", "large"… shown in the table. */
  readonly name: string;
  readonly input: fc.Arbitrary<I>;
  /** Share of the budget (default 1); "large" families should use a small fixed share. */
  readonly weight?: number;
}

export interface FuzzTarget<I, O> {
  /** Row label in the table, e.g. "iso8583 unpackFrame". */
  readonly parser: string;
  readonly seed: number;
  /** Cases at FUZZ_SCALE=1, split over the families by weight. */
  readonly budget: number;
  readonly families: readonly FuzzFamily<I>[];
  readonly parse: (input: I) => O;
  /** The typed errors the parser documents; anything else thrown is a failure. */
  readonly errors: readonly ErrorClass[];
  /** Builder: when given, every accepted input must round-trip, parse(build(value)) deep-equals value. */
  readonly build?: (value: O) => I;
  /** Comparable view for the round-trip (default: the value itself). */
  readonly view?: (value: O) => unknown;
  /** Extra checks on an accepted value (e.g. re-encoding equals the input). */
  readonly accept?: (value: O, input: I) => void;
  /** Result-size limit for an input of n bytes (default 64·n + 4 KiB: linear, not amplified). */
  readonly maxResultBytes?: (inputBytes: number) => number;
}

export interface FuzzResult {
  readonly parser: string;
  readonly cases: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly failures: number;
  readonly slowestMs: number;
  readonly elapsedMs: number;
  readonly families: Readonly<Record<string, number>>;
}

const results: FuzzResult[] = [];

/** Run one parser's campaign; throws (fails the test) on the first bad outcome, after shrinking. */
export function fuzz<I, O>(target: FuzzTarget<I, O>): FuzzResult {
  const started = performance.now();
  const totalWeight = target.families.reduce((sum, f) => sum + (f.weight ?? 1), 0);
  const families: Record<string, number> = {};
  let cases = 0;
  let accepted = 0;
  let rejected = 0;
  let slowestMs = 0;
  target.families.forEach((family, index) => {
    const numRuns = Math.max(
      1,
      Math.round((target.budget * FUZZ_SCALE * (family.weight ?? 1)) / totalWeight),
    );
    let run = 0;
    // fc.check, not fc.assert: the failure message shows a short preview of the input, never 64 KiB of it.
    const details = fc.check(
      fc.property(family.input, (input) => {
        run++;
        const outcome = callOnce(target, input);
        slowestMs = Math.max(slowestMs, outcome.ms);
        if (outcome.accepted) accepted++;
        else rejected++;
      }),
      // No shrinking: on big documents it can run for minutes; seed + path replay the case exactly.
      { seed: target.seed * 100 + index, numRuns, endOnFailure: true },
    );
    if (details.failed) {
      const cause = details.errorInstance;
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new Error(
        `fuzz ${target.parser} (${family.name}) failed after ${details.numRuns} cases ` +
          `{ seed: ${details.seed}, path: "${details.counterexamplePath}" }: ${why}\n` +
          `input: ${preview(details.counterexample?.[0])}`,
        { cause },
      );
    }
    families[family.name] = (families[family.name] ?? 0) + run;
    cases += run;
  });
  const result: FuzzResult = {
    parser: target.parser,
    cases,
    accepted,
    rejected,
    failures: 0,
    slowestMs,
    elapsedMs: performance.now() - started,
    families,
  };
  results.push(result);
  console.log(
    `fuzz ${target.parser}: ${cases} cases (${accepted} accepted, ${rejected} typed errors), 0 failures, ` +
      `slowest call ${slowestMs.toFixed(1)} ms, ${result.elapsedMs.toFixed(0)} ms total`,
  );
  const reportFile = process.env.FUZZ_REPORT;
  if (reportFile) appendFileSync(reportFile, `${JSON.stringify({ ...result, scale: FUZZ_SCALE })}\n`);
  return result;
}

function callOnce<I, O>(target: FuzzTarget<I, O>, input: I): { accepted: boolean; ms: number } {
  const t0 = performance.now();
  let value: O;
  try {
    value = target.parse(input);
  } catch (error) {
    const ms = performance.now() - t0;
    if (!target.errors.some((type) => error instanceof type)) {
      throw new Error(`${target.parser}: untyped throw ${describeError(error)} for ${preview(input)}`, {
        cause: error,
      });
    }
    checkTime(target, ms, input);
    return { accepted: false, ms };
  }
  const ms = performance.now() - t0;
  checkTime(target, ms, input);
  const inputBytes = sizeOfInput(input);
  const limit = (target.maxResultBytes ?? ((n) => 64 * n + 4096))(inputBytes);
  const resultBytes = approxBytes(value, limit);
  if (resultBytes > limit) {
    throw new Error(
      `${target.parser}: result of ≥${resultBytes} bytes for a ${inputBytes}-byte input (limit ${limit})`,
    );
  }
  target.accept?.(value, input);
  if (target.build) checkRoundTrip(target, target.build, value);
  return { accepted: true, ms };
}

function checkRoundTrip<I, O>(target: FuzzTarget<I, O>, build: (value: O) => I, value: O): void {
  const view = target.view ?? ((v: O) => v);
  const again = target.parse(build(value));
  if (!isDeepStrictEqual(view(again), view(value))) {
    throw new Error(
      `${target.parser}: parse(build(x)) differs from x: ${preview(view(value))} → ${preview(view(again))}`,
    );
  }
}

function checkTime<I, O>(target: FuzzTarget<I, O>, ms: number, input: I): void {
  if (ms <= MAX_CALL_MS) return;
  // A shared CI box stalls now and then (GC, other jobs): a slow call counts only if it stays slow,
  // so the best of three timings is judged. A hang or a quadratic path is slow every time.
  let best = ms;
  for (let retry = 0; retry < 2 && best > MAX_CALL_MS; retry++) {
    const t0 = performance.now();
    try {
      target.parse(input);
    } catch {
      // the outcome was judged on the first call; only the time matters here
    }
    best = Math.min(best, performance.now() - t0);
  }
  if (best > MAX_CALL_MS) {
    throw new Error(
      `${target.parser}: one call took ${best.toFixed(0)} ms (best of 3) (> ${MAX_CALL_MS}) for ${preview(input)}`,
    );
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}: ${error.message}`;
  return String(error);
}

function preview(value: unknown): string {
  if (value instanceof Uint8Array) {
    const hex = Buffer.from(value.subarray(0, 48)).toString("hex").toUpperCase();
    return `${value.length} bytes ${hex}${value.length > 48 ? "…" : ""}`;
  }
  const text = typeof value === "string" ? JSON.stringify(value) : safeJson(value);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

function sizeOfInput(input: unknown): number {
  if (input instanceof Uint8Array) return input.length;
  if (typeof input === "string") return Buffer.byteLength(input);
  if (Array.isArray(input)) return input.reduce<number>((sum, part) => sum + sizeOfInput(part), 0);
  return approxBytes(input, Number.MAX_SAFE_INTEGER);
}

/** Rough in-memory size of a parse result; stops counting once past `cap`. */
export function approxBytes(value: unknown, cap: number): number {
  const seen = new Set<object>();
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= cap) {
    const v = stack.pop();
    if (v === null || v === undefined) continue;
    if (typeof v === "string") total += 2 * v.length;
    else if (typeof v !== "object") total += 8;
    else if (seen.has(v)) continue;
    else {
      seen.add(v);
      if (ArrayBuffer.isView(v)) total += v.byteLength;
      else if (v instanceof Map) {
        total += 16;
        for (const [k, item] of v) stack.push(k, item);
      } else if (v instanceof Set) {
        total += 16;
        for (const item of v) stack.push(item);
      } else {
        total += 16;
        for (const [k, item] of Object.entries(v)) {
          total += 2 * k.length;
          stack.push(item);
        }
      }
    }
  }
  return total;
}

/** Print the table of this file's campaigns (call from afterAll). */
export function printFuzzTable(title: string): void {
  if (results.length === 0) return;
  const width = Math.max(...results.map((r) => r.parser.length), 6);
  const lines = [
    `fuzz summary: ${title} (FUZZ_SCALE=${FUZZ_SCALE})`,
    `${"parser".padEnd(width)}  ${"cases".padStart(7)}  ${"typed".padStart(7)}  fail  ${"slowest".padStart(8)}  families`,
    ...results.map(
      (r) =>
        `${r.parser.padEnd(width)}  ${String(r.cases).padStart(7)}  ${String(r.rejected).padStart(7)}  ` +
        `${String(r.failures).padStart(4)}  ${`${r.slowestMs.toFixed(1)}ms`.padStart(8)}  ` +
        Object.entries(r.families)
          .map(([name, n]) => `${name} ${n}`)
          .join(", "),
    ),
    `total ${results.reduce((sum, r) => sum + r.cases, 0)} cases`,
  ];
  console.log(lines.join("\n"));
}

// ---------------------------------------------------------------- input families

/** Fully random bytes (up to maxLength). */
export function randomBytes(maxLength = 300): fc.Arbitrary<Buffer> {
  return fc.uint8Array({ maxLength }).map((b) => Buffer.from(b));
}

/** Fully random text: printable ASCII, any BMP text, or raw latin1 bytes. */
export function randomText(maxLength = 200): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: "binary", maxLength }),
    fc.uint8Array({ maxLength }).map((b) => Buffer.from(b).toString("latin1")),
  );
}

/** Deterministic 64 KiB inputs: noise, all-zero, all-FF, or a valid sample repeated. */
export function largeBytes(sample?: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  const noise = fc.integer({ min: 1, max: 0x7fffffff }).map((seed) => pseudoRandom(seed, LARGE_INPUT));
  const fills = fc.constantFrom(0x00, 0xff, 0x30, 0x7e).map((b) => Buffer.alloc(LARGE_INPUT, b));
  if (!sample) return fc.oneof(noise, fills);
  const repeated = sample
    .filter((s) => s.length > 0)
    .map((s) => {
      const out = Buffer.alloc(LARGE_INPUT);
      for (let at = 0; at < LARGE_INPUT; at += s.length) s.copy(out, at);
      return out;
    });
  return fc.oneof(noise, fills, repeated);
}

/** 64 KiB of text (as latin1 of largeBytes, or a long run of digits). */
export function largeText(sample?: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return largeBytes(sample?.map((s) => Buffer.from(s, "latin1"))).map((b) => b.toString("latin1"));
}

function pseudoRandom(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Where a length prefix sits in a valid encoding, so that mutations can corrupt it. */
export interface LengthPrefixAt {
  readonly offset: number;
  readonly size: number;
  readonly encoding: "be" | "le" | "ascii" | "bcd";
}

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "truncate"; cls: "empty" | "one" | "header" | "half" | "minus1" | "any"; at: number }
  | { kind: "insert"; at: number; data: Uint8Array }
  | { kind: "duplicate"; from: number; length: number; at: number }
  | { kind: "overwrite"; at: number; value: number }
  | { kind: "prefix"; how: "zero" | "max" | "plus1" | "minus1" | "random"; random: number };

const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x0d, 0x0a, 0x10, 0x1f, 0x20, 0x7f, 0x80, 0x81, 0xfe, 0xff];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant("truncate" as const),
    cls: fc.constantFrom(
      "empty" as const,
      "one" as const,
      "header" as const,
      "half" as const,
      "minus1" as const,
      "any" as const,
    ),
    at: fc.nat(),
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    data: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    from: fc.nat(),
    length: fc.integer({ min: 1, max: 64 }),
    at: fc.nat(),
  }),
  fc.record({
    kind: fc.constant("overwrite" as const),
    at: fc.nat(),
    value: fc.constantFrom(...INTERESTING),
  }),
  fc.record({
    kind: fc.constant("prefix" as const),
    how: fc.constantFrom(
      "zero" as const,
      "max" as const,
      "plus1" as const,
      "minus1" as const,
      "random" as const,
    ),
    random: fc.nat(),
  }),
);

/** Valid encodings with 1–3 random mutations (bit flip, truncation, insertion, duplication, bad length). */
export function mutated(valid: fc.Arbitrary<Buffer>, prefix?: LengthPrefixAt): fc.Arbitrary<Buffer> {
  return fc
    .tuple(valid, fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
    .map(([bytes, mutations]) =>
      mutations.reduce<Buffer>((b, m) => applyMutation(b, m, prefix), Buffer.from(bytes)),
    );
}

/** Text encodings mutated as their latin1 bytes. */
export function mutatedText(valid: fc.Arbitrary<string>, prefix?: LengthPrefixAt): fc.Arbitrary<string> {
  return mutated(
    valid.map((s) => Buffer.from(s, "latin1")),
    prefix,
  ).map((b) => b.toString("latin1"));
}

function applyMutation(b: Buffer, m: Mutation, prefix: LengthPrefixAt | undefined): Buffer {
  const n = b.length;
  switch (m.kind) {
    case "flip":
      if (n === 0) return b;
      b[m.at % n]! ^= 1 << m.bit;
      return b;
    case "truncate": {
      const cut = {
        empty: 0,
        one: 1,
        header: Math.min(n, 2 + (m.at % 6)),
        half: n >> 1,
        minus1: n - 1,
        any: m.at % (n + 1),
      }[m.cls];
      return b.subarray(0, Math.max(0, Math.min(n, cut)));
    }
    case "insert": {
      const at = m.at % (n + 1);
      return Buffer.concat([b.subarray(0, at), m.data, b.subarray(at)]);
    }
    case "duplicate": {
      if (n === 0) return b;
      const from = m.from % n;
      const chunk = b.subarray(from, Math.min(n, from + m.length));
      const at = m.at % (n + 1);
      return Buffer.concat([b.subarray(0, at), chunk, b.subarray(at)]);
    }
    case "overwrite":
      if (n === 0) return b;
      b[m.at % n] = m.value;
      return b;
    case "prefix":
      return corruptPrefix(b, m, prefix);
  }
}

function corruptPrefix(
  b: Buffer,
  m: Extract<Mutation, { kind: "prefix" }>,
  prefix: LengthPrefixAt | undefined,
): Buffer {
  const at = prefix ?? { offset: 0, size: Math.min(2, b.length), encoding: "be" as const };
  if (at.size === 0 || b.length < at.offset + at.size) return b;
  const max =
    at.encoding === "ascii" || at.encoding === "bcd"
      ? 10 ** (at.encoding === "bcd" ? 2 * at.size : at.size) - 1
      : 256 ** at.size - 1;
  const current = readPrefix(b, at);
  const next = {
    zero: 0,
    max,
    plus1: Math.min(max, current + 1),
    minus1: Math.max(0, current - 1),
    random: m.random % (max + 1),
  }[m.how];
  writePrefix(b, at, next);
  return b;
}

function readPrefix(b: Buffer, at: LengthPrefixAt): number {
  const slice = b.subarray(at.offset, at.offset + at.size);
  switch (at.encoding) {
    case "be":
      return slice.reduce((acc, byte) => acc * 256 + byte, 0);
    case "le":
      return slice.reduceRight((acc, byte) => acc * 256 + byte, 0);
    case "ascii":
      return Number(slice.toString("latin1")) || 0;
    case "bcd":
      return Number(slice.toString("hex")) || 0;
  }
}

function writePrefix(b: Buffer, at: LengthPrefixAt, value: number): void {
  let v = value;
  switch (at.encoding) {
    case "be":
      for (let i = at.size - 1; i >= 0; i--, v = Math.floor(v / 256)) b[at.offset + i] = v & 0xff;
      return;
    case "le":
      for (let i = 0; i < at.size; i++, v = Math.floor(v / 256)) b[at.offset + i] = v & 0xff;
      return;
    case "ascii":
      b.write(String(v).padStart(at.size, "0").slice(-at.size), at.offset, "latin1");
      return;
    case "bcd":
      Buffer.from(
        String(v)
          .padStart(2 * at.size, "0")
          .slice(-2 * at.size),
        "hex",
      ).copy(b, at.offset);
      return;
  }
}

/** Cut a byte stream into chunks at the given sizes (for incremental decoders). */
export function chunksOf(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= bytes.length) break;
    out.push(bytes.subarray(at, at + Math.max(1, size)));
    at += Math.max(1, size);
  }
  // The rest in reads of at most 4 KiB, as a serial port or socket hands them over.
  for (; at < bytes.length; at += 4096) out.push(bytes.subarray(at, at + 4096));
  return out;
}

/** A byte stream plus the chunk sizes a serial port might deliver it in. */
export type Streamed = readonly [Buffer, readonly number[]];

export function streamed(bytes: fc.Arbitrary<Buffer>): fc.Arbitrary<Streamed> {
  return fc.tuple(bytes, fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 24 }));
}

/**
 * The families of a stream decoder: random bytes, mutated valid streams (twice the share) and one large
 * run, each handed over in random chunks.
 */
export function streamFamilies(valid: fc.Arbitrary<Buffer>): FuzzFamily<Streamed>[] {
  return [
    { name: "random", input: streamed(randomBytes(400)) },
    { name: "mutated", input: streamed(mutated(valid)), weight: 2 },
    { name: "large", input: streamed(largeBytes(valid)), weight: 0.01 },
  ];
}

/** Several valid encodings back to back, with random noise between some of them. */
export function concatenated(valid: fc.Arbitrary<Buffer>, maxCount = 4): fc.Arbitrary<Buffer> {
  return fc
    .array(fc.tuple(valid, fc.uint8Array({ maxLength: 6 })), { minLength: 1, maxLength: maxCount })
    .map((parts) => Buffer.concat(parts.flatMap(([frame, noise]) => [Buffer.from(noise), frame])));
}

type JsonEdit = { at: number; how: "replace" | "delete" | "retype" | "add" | "grow"; value: unknown };

/**
 * Structure-aware mutation of a JSON document (config, profile, key and CAPK files): 1–3 edits, each at a
 * random node: replace it with a random JSON value, delete it, change its type, add an unknown key, or
 * repeat an array element.
 */
export function mutatedJson(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const edit: fc.Arbitrary<JsonEdit> = fc.record({
    at: fc.nat(),
    how: fc.constantFrom(
      "replace" as const,
      "delete" as const,
      "retype" as const,
      "add" as const,
      "grow" as const,
    ),
    value: fc.jsonValue({ maxDepth: 2 }),
  });
  return fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([doc, edits]) => {
    let out = structuredClone(doc);
    for (const e of edits) out = applyJsonEdit(out, e);
    return out;
  });
}

function applyJsonEdit(doc: unknown, e: JsonEdit): unknown {
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        slots.push({ parent: node, key: i });
        walk(child);
      });
    } else if (node !== null && typeof node === "object") {
      for (const [k, child] of Object.entries(node)) {
        slots.push({ parent: node as Record<string, unknown>, key: k });
        walk(child);
      }
    }
  };
  walk(doc);
  if (slots.length === 0) return e.value;
  const { parent, key } = slots[e.at % slots.length]!;
  const current = (parent as Record<string | number, unknown>)[key];
  switch (e.how) {
    case "replace":
      (parent as Record<string | number, unknown>)[key] = e.value;
      break;
    case "delete":
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case "retype":
      (parent as Record<string | number, unknown>)[key] =
        typeof current === "string"
          ? Number(current) || current.length
          : typeof current === "number"
            ? String(current)
            : null;
      break;
    case "add":
      if (current !== null && typeof current === "object" && !Array.isArray(current)) {
        (current as Record<string, unknown>)[`unknown${e.at % 7}`] = e.value;
      } else (parent as Record<string | number, unknown>)[key] = [current];
      break;
    case "grow":
      if (Array.isArray(current)) current.push(...current.slice(0, 3));
      else if (typeof current === "string")
        (parent as Record<string | number, unknown>)[key] = current.repeat(3);
      break;
  }
  return doc;
}

/**
 * JSON text mutated as bytes, then parsed the way a loader does; text that no longer parses is passed on
 * as the raw string (a filter would throw most cases away and make generation crawl).
 */
export function mutatedJsonText(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return mutatedText(valid.map((v) => JSON.stringify(v, null, 1))).map((text) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  });
}
