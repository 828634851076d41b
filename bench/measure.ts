import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import type { BenchResult } from "./result.js";

/**
 * The timing and allocation harness every bench/*.ts shares. Results go through an exported sink so
 * the optimiser cannot drop the work being measured.
 */
export const sink: { last: unknown } = { last: undefined };

/** Operations per second of `fn` over about `ms` milliseconds, after a short warm-up. */
export function opsPerSec(fn: () => unknown, ms: number, batch = 100): number {
  const warmUpEnd = performance.now() + Math.min(200, ms / 5);
  while (performance.now() < warmUpEnd) sink.last = fn();
  const limit = BigInt(Math.round(ms)) * 1_000_000n;
  const start = process.hrtime.bigint();
  let n = 0;
  let elapsed = 0n;
  do {
    for (let i = 0; i < batch; i++) sink.last = fn();
    n += batch;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < limit);
  return n / (Number(elapsed) / 1e9);
}

export type Gc = () => void;

/** gc() for clean allocation deltas: --expose-gc if given, else enabled at runtime. */
export function getGc(): Gc | undefined {
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (exposed) return exposed;
  try {
    v8.setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as Gc;
  } catch {
    return undefined;
  }
}

function allocated(): number {
  return v8.getHeapStatistics().used_heap_size + process.memoryUsage().arrayBuffers;
}

/** Median heap + ArrayBuffer bytes allocated per call, over batches small enough for the young generation. */
export function bytesPerOp(fn: () => unknown, gc: Gc | undefined): number {
  const batch = 200;
  const samples: number[] = [];
  for (let r = 0; r < 9; r++) {
    gc?.();
    const before = allocated();
    for (let i = 0; i < batch; i++) sink.last = fn();
    samples.push((allocated() - before) / batch);
  }
  samples.sort((a, b) => a - b);
  return Math.max(0, Math.round(samples[samples.length >> 1]!));
}

/** A plain-text table of results: name, ops/s, bytes/op (when any result has it), note. */
export function resultTable(results: readonly BenchResult[]): string {
  const withBytes = results.some((r) => r.bytesPerOp !== undefined);
  const rows = results.map((r) => [
    r.name,
    Math.round(r.opsPerSec).toLocaleString("en-US"),
    ...(withBytes ? [r.bytesPerOp === undefined ? "" : r.bytesPerOp.toLocaleString("en-US")] : []),
    r.note ?? "",
  ]);
  const head = ["benchmark", "ops/s", ...(withBytes ? ["bytes/op"] : []), "note"];
  const numeric = (i: number) => i === 1 || (withBytes && i === 2);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** True when the module at `importMetaUrl` is the script node was started with. */
export function isMain(importMetaUrl: string): boolean {
  return process.argv[1] !== undefined && importMetaUrl === pathToFileURL(process.argv[1]).href;
}
