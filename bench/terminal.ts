import { type ChildProcess, fork, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { buildSwipe } from "../drivers/magstripe/swipe-builder.js";
import type { PinBlock, PinRequest } from "../drivers/pinpad/index.js";
import { TerminalApp } from "../firmware/app/terminal-app.js";
import type { TerminalSettingsInput } from "../firmware/config/index.js";
import { LengthPrefixDecoder } from "../protocol/framing/length-prefix.js";
import { unpackFrameBody } from "../protocol/iso8583/cup/frame.js";
import { DEFAULT_CARDS } from "../tools/host-sim/default-cards.js";
import { HostSimulator } from "../tools/host-sim/host-simulator.js";
import { buildTrack1, buildTrack2 } from "../tools/rig/default-cards.js";
import { EmulatedPort } from "../tools/rig/emulated-binding.js";
import { Rig } from "../tools/rig/rig.js";
import { RigTerminal } from "../tools/terminal/rig-terminal.js";
import { getGc, isMain, resultTable } from "./measure.js";
import type { BenchResult } from "./result.js";

/**
 * The terminal application (issue 7) on the rig against the host simulator, the three figures the issue
 * names, with their targets on the 2-core bench machine:
 *
 * 1. Cold boot to idle (< 1 s): a fresh node process per boot — `RigTerminal.start()` (host simulator,
 *    in-memory rig, config, TMK, devices, journal) → `selfTest()` → `recover()` → `signIn()`. Timed by the
 *    child from its own process start (performance.timeOrigin) and by the parent from spawn; host, rig and
 *    TerminalApp.boot timed apart by wrapping them in the child. First boots (empty data dir) and reboots
 *    (the data dir of a first boot) are reported apart.
 * 2. Terminal-side processing per transaction (< 10 ms each way), swipe sales, socket-level:
 *    (a) card data in → request bytes out: `app.pay()` called with the swipe already read → the request
 *        frame arriving at a timestamping TCP proxy, less the PIN pad round trip (getPin timed around the
 *        driver call; the emulated pad's autoPin answers at once);
 *    (b) response in → first receipt byte out: the proxy handing the 0210 to the terminal's socket → the
 *        first slip byte written to the printer's serial port (EmulatedPort.write; the DLE EOT status
 *        queries the driver sends first are reported apart).
 *    The proxy and the host simulator run in a child process (their own core); both processes stamp with
 *    process.hrtime (CLOCK_MONOTONIC, one clock for the machine). Loopback hops are inside both figures.
 * 3. Resident memory (< 80 MB) of a terminal process (host simulator out of process) at idle after boot
 *    and after 10,000 swipe sales: swipes built as the magstripe driver builds them (buildSwipe), PIN on
 *    the emulated pad, a slip printed every 100th sale; RSS after forced GC, and the journal's size. The
 *    data dir is on tmpfs (/dev/shm) so the bulk run takes ~40 s instead of ~2.5 min of fsyncs.
 *
 * `node dist/bench/terminal.js [--boots=N] [--runs=N] [--transactions=N] [--memory-seconds=S]` (a count of
 * 0 leaves a part out; the bulk run stops after S seconds, default 75, 0 = none, and says how far it got);
 * POS_BENCH_NODE_FLAGS="--max-semi-space-size=1" passes node flags to the boot and memory children.
 */

const BOOT_RUNS = 5;
const LATENCY_WARM_UP = 50;
const LATENCY_RUNS = 500;
const MEMORY_TRANSACTIONS = 10_000;
const PRINT_EVERY = 100;
/** The bulk run stops here if the 10,000 are not done by then (0: no limit), to keep the suite bounded. */
const MEMORY_BUDGET_SECONDS = 75;
const BLOCK = 1000;
const SWIPE_CARD = "cup-magstripe";
const SWIPE_PAN = "6222021000000000014";
const PRINTER_PATH = "/rig/printer";
const MEMORY_TERMINAL_ID = "BENCHMEM";
const SELF = fileURLToPath(import.meta.url);

export interface TerminalBenchOptions {
  bootRuns?: number;
  latencyRuns?: number;
  transactions?: number;
  /** Time budget of the bulk run in seconds (0: none); it reports how far it got. */
  memorySeconds?: number;
  /** Where the figures go as they are measured (default stdout). */
  print?: (line: string) => void;
}

const hr = (): number => Number(process.hrtime.bigint());
const ms = (ns: number) => ns / 1e6;
const fmt = (value: number, digits = 2) => value.toFixed(digits);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Distribution {
  median: number;
  p95: number;
  p99: number;
  max: number;
}

function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

const describe = (d: Distribution) =>
  `median ${fmt(d.median)} ms, p95 ${fmt(d.p95)} ms, p99 ${fmt(d.p99)} ms, max ${fmt(d.max)} ms`;

/** The simulator's cards with a balance no bench run can exhaust (the rig's cards carry the same PANs). */
function benchCards() {
  return DEFAULT_CARDS.map((card) => ({ ...card, balance: 900_000_000_000 }));
}

/** One line of JSON from a child's stdout (the child prints nothing else there). */
async function firstJsonLine<T>(child: ChildProcess): Promise<{ value: T; at: number }> {
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`bench child exited with ${code} before reporting`);
  });
  const line = (async () => {
    for await (const text of lines) {
      if (text.startsWith("{")) return { value: JSON.parse(text) as T, at: hr() };
    }
    throw new Error("bench child closed stdout before reporting");
  })();
  return Promise.race([line, exited]);
}

// ---- 1. cold boot ------------------------------------------------------------------------------------

interface BootFigures {
  /** Node start + module graph loaded, from process start (performance.timeOrigin). */
  processToMain: number;
  hostStart: number;
  rigStart: number;
  appBoot: number;
  /** The whole RigTerminal.start() (host + rig + config + TMK + devices + journal). */
  start: number;
  selfTest: number;
  recover: number;
  signIn: number;
  /** start() called → signed in and idle. */
  startToIdle: number;
  /** Process start → idle. */
  processToIdle: number;
  rss: number;
}

/** Times a method in place: every call adds its duration (ms) to `into[key]`. */
function timeCalls<K extends string>(
  target: Record<string, unknown>,
  method: string,
  into: Record<K, number>,
  key: K,
): void {
  const original = target[method] as (...args: unknown[]) => Promise<unknown>;
  target[method] = async function (this: unknown, ...args: unknown[]) {
    const start = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      into[key] += performance.now() - start;
    }
  };
}

/** The child of `--boot-once`: one boot in this fresh process, figures as one JSON line. */
async function bootOnce(dir: string): Promise<BootFigures> {
  const processToMain = performance.now();
  const parts = { hostStart: 0, rigStart: 0, appBoot: 0 };
  timeCalls(HostSimulator.prototype as unknown as Record<string, unknown>, "start", parts, "hostStart");
  timeCalls(Rig as unknown as Record<string, unknown>, "start", parts, "rigStart");
  timeCalls(TerminalApp as unknown as Record<string, unknown>, "boot", parts, "appBoot");
  const t0 = performance.now();
  const terminal = await RigTerminal.start({ dir, host: { cards: benchCards() } });
  const t1 = performance.now();
  try {
    const faults = await terminal.app.selfTest();
    if (faults.some((f) => f.fatal)) throw new Error(`self-test: ${JSON.stringify(faults)}`);
    const t2 = performance.now();
    await terminal.app.recover();
    const t3 = performance.now();
    await terminal.app.signIn(AbortSignal.timeout(10_000));
    const t4 = performance.now();
    return {
      processToMain,
      ...parts,
      start: t1 - t0,
      selfTest: t2 - t1,
      recover: t3 - t2,
      signIn: t4 - t3,
      startToIdle: t4 - t0,
      processToIdle: t4,
      rss: process.memoryUsage().rss,
    };
  } finally {
    await terminal.stop();
  }
}

async function spawnBoot(dir: string): Promise<BootFigures & { spawnToIdle: number }> {
  const spawned = hr();
  const child = spawn(process.execPath, [...nodeFlags(), SELF, "--boot-once", `--dir=${dir}`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const { value, at } = await firstJsonLine<BootFigures>(child);
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`boot child exited with ${code}`);
  return { ...value, spawnToIdle: ms(at - spawned) };
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

async function benchBoot(runs: number, print: (line: string) => void): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), "pos-bench-boot-"));
  try {
    const first: (BootFigures & { spawnToIdle: number })[] = [];
    const again: (BootFigures & { spawnToIdle: number })[] = [];
    for (let i = 0; i < runs; i++) first.push(await spawnBoot(join(root, `first-${i}`)));
    // Reboots: the same data directory again (journal, keys and config already there), as every morning.
    for (let i = 0; i < runs; i++) again.push(await spawnBoot(join(root, "first-0")));
    const row = (label: string, boots: typeof first) => {
      const m = (key: keyof (typeof first)[number]) => fmt(median(boots.map((b) => b[key])), 1);
      print(
        `  ${label}: spawn → idle ${m("spawnToIdle")} ms (process start → idle ${m("processToIdle")} ms; ` +
          `node + modules ${m("processToMain")} ms; start() → idle ${m("startToIdle")} ms = ` +
          `RigTerminal.start ${m("start")} [host ${m("hostStart")}, rig ${m("rigStart")}, ` +
          `TerminalApp.boot ${m("appBoot")}] + selfTest ${m("selfTest")} + recover ${m("recover")} + ` +
          `signIn ${m("signIn")}); RSS at idle ${mb(median(boots.map((b) => b.rss)))} (host sim in process)`,
      );
    };
    print(`Cold boot to idle, median of ${runs} fresh node processes each (target < 1000 ms):`);
    row("first boot (empty data dir)", first);
    row("reboot (existing data dir)", again);
    const spawnMedian = median(again.map((b) => b.spawnToIdle));
    const firstMedian = median(first.map((b) => b.spawnToIdle));
    return [
      {
        name: "terminal: cold boot to idle (reboot)",
        opsPerSec: 1000 / spawnMedian,
        note: `median ${fmt(spawnMedian, 0)} ms spawn → signed in; start() → idle ${fmt(median(again.map((b) => b.startToIdle)), 0)} ms; target < 1000 ms`,
      },
      {
        name: "terminal: cold boot to idle (first boot)",
        opsPerSec: 1000 / firstMedian,
        note: `median ${fmt(firstMedian, 0)} ms spawn → signed in (schema, key store, TMK injection)`,
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// ---- the host child: simulator + timestamping proxy ----------------------------------------------------

interface FrameStamp {
  direction: "request" | "response";
  mti: string;
  stan: string;
  /** process.hrtime in ns: request = its last chunk read by the proxy; response = just before its write to the terminal. */
  at: number;
}

interface HostChild {
  proxyPort: number;
  hostPort: number;
  /** The frames stamped since the last call. */
  frames(): Promise<FrameStamp[]>;
  stop(): Promise<void>;
}

function stampFrames(into: FrameStamp[], direction: FrameStamp["direction"], bodies: Buffer[], at: number) {
  for (const body of bodies) {
    try {
      const { message } = unpackFrameBody(body);
      into.push({ direction, mti: message.mti, stan: message.fields[11] ?? "", at });
    } catch {
      into.push({ direction, mti: "????", stan: "", at });
    }
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
}

/** `--host`: the simulator and the proxy in front of it, answering "frames" and "stop" over IPC. */
async function runHostChild(): Promise<void> {
  const sim = new HostSimulator({ cards: benchCards() });
  const address = await sim.start({ host: "127.0.0.1", port: 0 });
  let frames: FrameStamp[] = [];
  const proxy = createServer((terminal) => {
    terminal.setNoDelay(true);
    const upstream = connect(address);
    upstream.setNoDelay(true);
    const requests = new LengthPrefixDecoder();
    const responses = new LengthPrefixDecoder();
    terminal.on("data", (chunk: Buffer) => {
      const at = hr();
      upstream.write(chunk);
      stampFrames(frames, "request", requests.push(chunk), at);
    });
    upstream.on("data", (chunk: Buffer) => {
      // Stamped before the write: on a busy machine the proxy can lose the core between the write and a
      // stamp after it, while the terminal already prints. So (b) errs long, never short.
      const at = hr();
      terminal.write(chunk);
      stampFrames(frames, "response", responses.push(chunk), at);
    });
    terminal.on("close", () => upstream.destroy());
    upstream.on("close", () => terminal.destroy());
    terminal.on("error", () => undefined);
    upstream.on("error", () => undefined);
  });
  const proxyPort = await listen(proxy);
  process.on("message", async (request: string) => {
    if (request === "frames") {
      process.send?.({ frames });
      frames = [];
    } else if (request === "stop") {
      proxy.close();
      await sim.stop();
      process.disconnect?.();
      process.exit(0);
    }
  });
  process.send?.({ proxyPort, hostPort: address.port });
}

async function startHostChild(): Promise<HostChild> {
  const child = fork(SELF, ["--host"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const [ready] = (await once(child, "message")) as [{ proxyPort: number; hostPort: number }];
  return {
    proxyPort: ready.proxyPort,
    hostPort: ready.hostPort,
    frames: async () => {
      child.send("frames");
      const [answer] = (await once(child, "message")) as [{ frames: FrameStamp[] }];
      return answer.frames;
    },
    stop: async () => {
      const exited = once(child, "exit");
      child.send("stop");
      await exited;
    },
  };
}

/**
 * Every bench sale is on one test card: the per-card velocity limit (5 in 10 minutes by default) is
 * switched off. The check's journal scan still runs on every sale (PaymentFlow.checkCardVelocity).
 */
function withoutVelocity(s: TerminalSettingsInput): TerminalSettingsInput {
  return { ...s, limits: { ...s.limits, velocity: { ...s.limits?.velocity, maxPerCard: 0 } } };
}

// ---- 2. terminal-side processing per transaction ------------------------------------------------------

/** Bench-side seams (no firmware change): the PIN pad call timed, the printer port's writes stamped. */
class Spies {
  pinNs = 0;
  armed = false;
  firstPrinterWrite: number | undefined;
  firstSlipByte: number | undefined;
  /** GS a (ASB on) written while armed: the driver reopened the printer port mid-transaction. */
  printerReopened = false;
  private restore: (() => void) | undefined;

  install(app: TerminalApp): void {
    const pad = app.devices.pinpad;
    if (!pad) throw new Error("the rig terminal has no PIN pad");
    const getPin = pad.getPin.bind(pad);
    pad.getPin = async (request: PinRequest): Promise<PinBlock> => {
      const start = hr();
      try {
        return await getPin(request);
      } finally {
        this.pinNs += hr() - start;
      }
    };
    const write = EmulatedPort.prototype.write;
    const spies = this;
    EmulatedPort.prototype.write = function (this: EmulatedPort, buffer: Buffer): Promise<void> {
      if (spies.armed && this.openOptions.path === PRINTER_PATH) {
        const at = hr();
        spies.firstPrinterWrite ??= at;
        // DLE EOT n (real-time status request) and GS a n (ASB, sent when the port opens) are not slip data.
        const statusQuery = buffer.length === 3 && buffer[0] === 0x10 && buffer[1] === 0x04;
        const asb = buffer.length === 3 && buffer[0] === 0x1d && buffer[1] === 0x61;
        if (asb) spies.printerReopened = true;
        else if (!statusQuery) spies.firstSlipByte ??= at;
      }
      return write.call(this, buffer);
    };
    this.restore = () => {
      EmulatedPort.prototype.write = write;
    };
  }

  reset(): void {
    this.pinNs = 0;
    this.firstPrinterWrite = undefined;
    this.firstSlipByte = undefined;
    this.printerReopened = false;
  }

  uninstall(): void {
    this.restore?.();
  }
}

interface TransactionTimes {
  stan: string;
  payCalled: number;
  pinNs: number;
  payReturned: number;
  firstPrinterWrite: number;
  firstSlipByte: number;
  slipDone: number;
  printerReopened: boolean;
}

async function swipeSale(terminal: RigTerminal, spies: Spies, amount: number): Promise<TransactionTimes> {
  const { app, rig } = terminal;
  const control = new AbortController();
  const waiting = app.waitForCard(control.signal);
  await rig.swipe(SWIPE_CARD);
  const card = await waiting;
  spies.reset();
  spies.armed = true;
  const payCalled = hr();
  const result = await app.pay({ type: "sale", amount, card, signal: control.signal });
  const payReturned = hr();
  if (result.status !== "approved" || result.journalId === undefined) {
    throw new Error(`bench sale not approved: ${result.status} ${result.responseCode ?? ""} ${result.en}`);
  }
  const printed = await app.printSlip(result.journalId, { signal: control.signal });
  const slipDone = hr();
  spies.armed = false;
  if (!printed.ok) throw new Error(`bench slip not printed: ${printed.en}`);
  return {
    stan: app.journal.get(result.journalId)!.stan,
    payCalled,
    pinNs: spies.pinNs,
    payReturned,
    firstPrinterWrite: spies.firstPrinterWrite ?? Number.NaN,
    firstSlipByte: spies.firstSlipByte ?? Number.NaN,
    slipDone,
    printerReopened: spies.printerReopened,
  };
}

async function benchLatency(
  host: HostChild,
  runs: number,
  print: (line: string) => void,
): Promise<BenchResult[]> {
  const terminal = await RigTerminal.start({
    hostAddress: { host: "127.0.0.1", port: host.proxyPort },
    settings: withoutVelocity,
  });
  const spies = new Spies();
  try {
    const { app } = terminal;
    await app.selfTest();
    await app.recover();
    await app.signIn(AbortSignal.timeout(10_000));
    spies.install(app);
    for (let i = 0; i < LATENCY_WARM_UP; i++) await swipeSale(terminal, spies, 100 + i);
    await host.frames();
    const started = hr();
    const times: TransactionTimes[] = [];
    for (let i = 0; i < runs; i++) times.push(await swipeSale(terminal, spies, 100 + (i % 900)));
    const elapsed = hr() - started;
    const frames = await host.frames();
    const request = new Map<string, number>();
    const response = new Map<string, number>();
    for (const f of frames) {
      if (f.mti === "0200") request.set(f.stan, f.at);
      if (f.mti === "0210") response.set(f.stan, f.at);
    }
    const a: number[] = [];
    const aWithPin: number[] = [];
    const pin: number[] = [];
    const b: number[] = [];
    const bStatus: number[] = [];
    const bJournal: number[] = [];
    const host2: number[] = [];
    const slip: number[] = [];
    const odd: (TransactionTimes & { sent: number; answered: number })[] = [];
    for (const t of times) {
      const sent = request.get(t.stan);
      const answered = response.get(t.stan);
      if (sent === undefined || answered === undefined)
        throw new Error(`STAN ${t.stan}: no frames at the proxy`);
      // Two processes, one CLOCK_MONOTONIC: a request stamped before pay() or a slip byte before the
      // answer is a sale the figures cannot describe (kept apart and reported, not averaged in).
      if (sent < t.payCalled || !(t.firstSlipByte > answered) || t.printerReopened) {
        odd.push({ ...t, sent, answered });
        continue;
      }
      aWithPin.push(ms(sent - t.payCalled));
      a.push(ms(sent - t.payCalled - t.pinNs));
      pin.push(ms(t.pinNs));
      b.push(ms(t.firstSlipByte - answered));
      bStatus.push(ms(t.firstPrinterWrite - answered));
      bJournal.push(ms(t.payReturned - answered));
      host2.push(ms(answered - sent));
      slip.push(ms(t.slipDone - t.firstSlipByte));
    }
    const da = distribution(a);
    const db = distribution(b);
    print(
      `\nTerminal-side processing per swipe sale, ${runs} sales after ${LATENCY_WARM_UP} warm-up (target < 10 ms):`,
    );
    print(`  (a) card data in → request bytes out, PIN pad excluded: ${describe(da)}`);
    // The journal grows by one row per sale: a cost that scales with it shows as a drift here.
    const tenth = Math.max(1, Math.floor(runs / 10));
    print(
      `      median of the first ${tenth} sales ${fmt(median(a.slice(0, tenth)))} ms, of the last ${tenth} ` +
        `${fmt(median(a.slice(-tenth)))} ms (journal ${LATENCY_WARM_UP} → ${LATENCY_WARM_UP + runs} sales)`,
    );
    print(`      same, PIN pad round trip included:                 ${describe(distribution(aWithPin))}`);
    print(`      PIN pad round trip (getPin, emulated pad, autoPin):  ${describe(distribution(pin))}`);
    print(`  (b) response in → first receipt byte out:               ${describe(db)}`);
    print(`      response in → first byte to the printer (DLE EOT): ${describe(distribution(bStatus))}`);
    print(`      response in → pay() resolved (journal final):      ${describe(distribution(bJournal))}`);
    if (odd.length > 0) {
      const first = odd[0]!;
      print(
        `  ${odd.length} sale(s) left out: stamps out of order or the printer port reopened mid-sale; first: ` +
          `STAN ${first.stan}, request ${fmt(ms(first.sent - first.payCalled))} ms after pay(), first slip byte ` +
          `${fmt(ms(first.firstSlipByte - first.answered))} ms after the answer, reopened ${first.printerReopened}`,
      );
    }
    print(`  host round trip seen at the proxy (host sim + loopback): ${describe(distribution(host2))}`);
    print(`  first slip byte → both copies confirmed printed:        ${describe(distribution(slip))}`);
    print(
      `  whole transaction (swipe → slip done): ${fmt(ms(elapsed) / runs)} ms mean, ${fmt((runs * 1e9) / elapsed, 1)} sales/s`,
    );
    return [
      {
        name: "terminal: card data in → request out",
        opsPerSec: 1000 / da.median,
        note: `swipe sale, PIN pad excluded; p95 ${fmt(da.p95)} ms, p99 ${fmt(da.p99)} ms; target < 10 ms`,
      },
      {
        name: "terminal: response in → first receipt byte",
        opsPerSec: 1000 / db.median,
        note: `p95 ${fmt(db.p95)} ms, p99 ${fmt(db.p99)} ms (DLE EOT status queries included); target < 10 ms`,
      },
    ];
  } finally {
    spies.uninstall();
    await terminal.stop();
  }
}

// ---- 3. resident memory ----------------------------------------------------------------------------------

/** RssAnon / RssFile / RssShmem of this process in kB (Linux /proc; empty elsewhere). */
function rssKinds(): Record<string, number> {
  try {
    const status = readFileSync("/proc/self/status", "latin1");
    const kinds: Record<string, number> = {};
    for (const m of status.matchAll(/^(RssAnon|RssFile|RssShmem):\s+(\d+) kB/gm))
      kinds[m[1]!] = Number(m[2]) * 1024;
    return kinds;
  } catch {
    return {};
  }
}

interface MemoryBlock {
  sales: number;
  rss: number;
  msPerSale: number;
  payMedian: number;
}

interface MemoryFigures {
  idle: NodeJS.MemoryUsage;
  after: NodeJS.MemoryUsage;
  idleKinds: Record<string, number>;
  afterKinds: Record<string, number>;
  /** Every BLOCK sales (and at the end): RSS without GC, wall time per sale, median pay() less PIN. */
  blocks: MemoryBlock[];
  /** Sales done: `planned`, or fewer when the time budget ran out first. */
  transactions: number;
  planned: number;
  budgetSeconds: number;
  declined: number;
  /** Outcomes other than approved, by status and response code. */
  outcomes: Record<string, number>;
  slips: number;
  seconds: number;
  journalBytes: number;
  journalFiles: Record<string, number>;
  logBytes: number;
  gc: boolean;
  dataRoot: string;
}

/** A swipe of the rig's cup-magstripe card as the magstripe driver delivers it (tracks 1 and 2). */
function benchSwipe() {
  const expiry = "3012";
  return buildSwipe([
    {
      track: 1,
      status: "ok",
      data: Buffer.from(buildTrack1(SWIPE_PAN, "MAGSTRIPE/CUP", expiry, "101"), "latin1"),
    },
    { track: 2, status: "ok", data: Buffer.from(buildTrack2(SWIPE_PAN, expiry, "101"), "latin1") },
  ]);
}

/** Extra node flags for the measured child (`POS_BENCH_NODE_FLAGS="--max-semi-space-size=1"`), to try fixes. */
function nodeFlags(): string[] {
  return (process.env.POS_BENCH_NODE_FLAGS ?? "").split(" ").filter((f) => f.length > 0);
}

/**
 * The bulk run's data directory: tmpfs when there is one, so 10,000 sales take ~1 minute rather than the
 * ~2.5 the journal's and spool's fsyncs take on this machine's disk. Memory is what this run measures;
 * the fsync cost is in the latency figures, which run on disk. POS_BENCH_MEMORY_DIR overrides.
 */
function memoryRunRoot(): string {
  const chosen = process.env.POS_BENCH_MEMORY_DIR;
  if (chosen) return chosen;
  try {
    if (statSync("/dev/shm").isDirectory()) return "/dev/shm";
  } catch {
    // No tmpfs: the disk it is.
  }
  return tmpdir();
}

/** `--memory`: a terminal process against the host child; idle RSS, then `count` sales. */
async function memoryRun(hostPort: number, count: number, budgetSeconds: number): Promise<MemoryFigures> {
  const gc = getGc();
  const settle = () => {
    gc?.();
    gc?.();
  };
  const dir = mkdtempSync(join(memoryRunRoot(), "pos-bench-memory-"));
  const terminal = await RigTerminal.start({
    dir,
    hostAddress: { host: "127.0.0.1", port: hostPort },
    // Its own terminal ID: the host remembers the latency run's STANs, a fresh journal starts again at 1.
    settings: (s) => ({
      ...withoutVelocity(s),
      terminal: { ...s.terminal, terminalId: MEMORY_TERMINAL_ID },
    }),
  });
  try {
    const { app } = terminal;
    await app.selfTest();
    await app.recover();
    await app.signIn(AbortSignal.timeout(10_000));
    settle();
    const idle = process.memoryUsage();
    const idleKinds = rssKinds();
    const pin = new Spies();
    pin.install(app);
    const blocks: MemoryBlock[] = [];
    let block: number[] = [];
    let blockStart = hr();
    let declined = 0;
    const outcomes: Record<string, number> = {};
    let slips = 0;
    let done = 0;
    const started = hr();
    const deadline = started + budgetSeconds * 1e9;
    for (let i = 1; i <= count; i++) {
      const control = new AbortController();
      pin.reset();
      const payCalled = hr();
      const result = await app.pay({
        type: "sale",
        amount: 100 + (i % 900),
        card: { mode: "swipe", swipe: benchSwipe() },
        signal: control.signal,
      });
      block.push(ms(hr() - payCalled - pin.pinNs));
      done = i;
      if (result.status !== "approved") {
        declined++;
        const key = `${result.status} ${result.responseCode ?? ""} ${result.en}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      } else if (i % PRINT_EVERY === 0 && result.journalId !== undefined) {
        const printed = await app.printSlip(result.journalId, { signal: control.signal });
        if (printed.ok) slips++;
      }
      const overBudget = budgetSeconds > 0 && hr() > deadline;
      if (i % BLOCK === 0 || i === count || overBudget) {
        const now = hr();
        blocks.push({
          sales: i,
          rss: process.memoryUsage().rss,
          msPerSale: ms(now - blockStart) / block.length,
          payMedian: median(block),
        });
        block = [];
        blockStart = now;
      }
      if (overBudget) break;
    }
    const seconds = (hr() - started) / 1e9;
    pin.uninstall();
    settle();
    const after = process.memoryUsage();
    const afterKinds = rssKinds();
    const dataDir = join(dir, "data");
    const journalFiles: Record<string, number> = {};
    for (const name of readdirSync(dataDir)) {
      if (name.startsWith("journal.db")) journalFiles[name] = statSync(join(dataDir, name)).size;
    }
    return {
      idle,
      after,
      idleKinds,
      afterKinds,
      blocks,
      transactions: done,
      planned: count,
      budgetSeconds,
      declined,
      outcomes,
      slips,
      seconds,
      journalBytes: Object.values(journalFiles).reduce((a, b) => a + b, 0),
      journalFiles,
      logBytes: statSync(terminal.logPath).size,
      gc: gc !== undefined,
      dataRoot: memoryRunRoot(),
    };
  } finally {
    await terminal.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchMemory(
  host: HostChild,
  count: number,
  budgetSeconds: number,
  print: (line: string) => void,
): Promise<BenchResult[]> {
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags(),
      "--expose-gc",
      SELF,
      "--memory",
      `--host-port=${host.hostPort}`,
      `--transactions=${count}`,
      `--memory-seconds=${budgetSeconds}`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const { value: m } = await firstJsonLine<MemoryFigures>(child);
  await once(child, "exit");
  const files = Object.entries(m.journalFiles)
    .map(([name, size]) => `${name} ${mb(size)}`)
    .join(", ");
  print(
    `\nResident memory of the terminal process (host simulator in another process; target < 80 MB; ` +
      `${m.gc ? "after forced GC" : "no GC available"}):`,
  );
  const usage = (u: NodeJS.MemoryUsage, kinds: Record<string, number>) =>
    `RSS ${mb(u.rss)} (heap used ${mb(u.heapUsed)} of ${mb(u.heapTotal)}, external ${mb(u.external)}, ` +
    `array buffers ${mb(u.arrayBuffers)}${Object.entries(kinds)
      .map(([k, v]) => `; ${k} ${mb(v)}`)
      .join("")})`;
  print(`  idle after boot and sign-in:  ${usage(m.idle, m.idleKinds)}`);
  print(`  after ${m.transactions.toLocaleString("en-US")} swipe sales:    ${usage(m.after, m.afterKinds)}`);
  if (m.transactions < m.planned) {
    print(
      `  STOPPED after ${m.transactions.toLocaleString("en-US")} of ${m.planned.toLocaleString("en-US")} sales: ` +
        `the ${m.budgetSeconds} s budget ran out (per-sale time grows with the journal, see below)`,
    );
  }
  print(`  per block of sales: sales done → RSS without GC, wall ms per sale, median pay() less PIN pad:`);
  for (const b of m.blocks) {
    print(
      `    ${b.sales.toLocaleString("en-US").padStart(6)}: ${mb(b.rss).padStart(8)}, ${fmt(b.msPerSale).padStart(6)} ms/sale, ` +
        `pay() ${fmt(b.payMedian).padStart(6)} ms`,
    );
  }
  print(
    `  ${m.transactions - m.declined} approved, ${m.declined} not${m.declined ? ` ${JSON.stringify(m.outcomes)}` : ""}; ` +
      `${m.slips} slips printed (every ${PRINT_EVERY}th sale, 2 copies); ${fmt(m.seconds, 1)} s = ` +
      `${fmt(m.transactions / m.seconds, 0)} sales/s (swipes built in process as the driver builds them, PIN on ` +
      `the emulated pad, data dir in ${m.dataRoot})`,
  );
  print(
    `  journal after ${m.transactions.toLocaleString("en-US")}: ${mb(m.journalBytes)} (${files}); log file ${mb(m.logBytes)}`,
  );
  return [
    {
      name: "terminal: RSS at idle",
      opsPerSec: 0,
      note: `${mb(m.idle.rss)} after boot + sign-in, forced GC; target < 80 MB`,
    },
    {
      name: `terminal: RSS after ${m.transactions.toLocaleString("en-US")} sales${m.transactions < m.planned ? " (budget)" : ""}`,
      opsPerSec: m.transactions / m.seconds,
      note: `${mb(m.after.rss)} (heap used ${mb(m.after.heapUsed)}); journal ${mb(m.journalBytes)}; ops/s = sales/s, slip every ${PRINT_EVERY}th`,
    },
  ];
}

// ---- the suite -------------------------------------------------------------------------------------------

/** The terminal application's figures for `npm run bench` (about two minutes: boots, 550 sales, the bulk run). */
export async function benchTerminal(options: TerminalBenchOptions = {}): Promise<BenchResult[]> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  // Other work on the 2-core machine inflates every figure below: the load says how much there was.
  print(`node ${process.version}, ${availableParallelism()} cores, load average ${load} at start`);
  const bootRuns = options.bootRuns ?? BOOT_RUNS;
  const latencyRuns = options.latencyRuns ?? LATENCY_RUNS;
  const transactions = options.transactions ?? MEMORY_TRANSACTIONS;
  const budgetSeconds = options.memorySeconds ?? MEMORY_BUDGET_SECONDS;
  // A count of 0 leaves that part out (`--boots=0` etc. when working on one figure).
  const results = bootRuns > 0 ? await benchBoot(bootRuns, print) : [];
  const host = await startHostChild();
  try {
    if (latencyRuns > 0) results.push(...(await benchLatency(host, latencyRuns, print)));
    if (transactions > 0) results.push(...(await benchMemory(host, transactions, budgetSeconds, print)));
  } finally {
    await host.stop();
  }
  print("");
  return results;
}

const argument = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

if (isMain(import.meta.url)) {
  if (process.argv.includes("--boot-once")) {
    // A dir the parent names is its to remove; one made here is removed here.
    const dir = argument("dir") ?? mkdtempSync(join(tmpdir(), "pos-bench-boot-"));
    try {
      process.stdout.write(`${JSON.stringify(await bootOnce(dir))}\n`);
    } finally {
      if (argument("dir") === undefined) rmSync(dir, { recursive: true, force: true });
    }
  } else if (process.argv.includes("--host")) {
    await runHostChild();
  } else if (process.argv.includes("--memory")) {
    const figures = await memoryRun(
      Number(argument("host-port")),
      Number(argument("transactions")),
      Number(argument("memory-seconds") ?? 0),
    );
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    const number = (name: string) => (argument(name) === undefined ? undefined : Number(argument(name)));
    const results = await benchTerminal({
      ...(number("boots") !== undefined ? { bootRuns: number("boots")! } : {}),
      ...(number("runs") !== undefined ? { latencyRuns: number("runs")! } : {}),
      ...(number("transactions") !== undefined ? { transactions: number("transactions")! } : {}),
      ...(number("memory-seconds") !== undefined ? { memorySeconds: number("memory-seconds")! } : {}),
    });
    process.stdout.write(`${resultTable(results)}\n`);
  }
}
