import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { HostSimulator, type ListenAddress } from "../../../tools/host-sim/host-simulator.js";
import type { PowerCutArgs, PowerCutReport } from "../../../tools/terminal/power-cut-child.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** The compiled child (CI builds with `npx tsc -p tsconfig.json` before testing): plain `node`, no loader. */
export const CHILD_JS = join(ROOT, "dist/tools/terminal/power-cut-child.js");
const CHILD_TS = join(ROOT, "tools/terminal/power-cut-child.ts");

/** Fails early, naming the fix, when the child was never built or is older than its source. */
export function checkChildBuilt(): void {
  if (!existsSync(CHILD_JS)) throw new Error(`${CHILD_JS} missing: run npx tsc -p tsconfig.json first`);
  if (statSync(CHILD_TS).mtimeMs > statSync(CHILD_JS).mtimeMs) {
    throw new Error(`${CHILD_JS} is older than its source: run npx tsc -p tsconfig.json`);
  }
}

/** One line of the host's transaction log, as far as the checks need it. */
export interface HostExchange {
  mti: string;
  responseMti: string;
  transaction: string;
  terminalId: string;
  stan: string;
  batch: string;
  responseCode: string;
  line: string;
}

const EXCHANGE =
  /^\S+ (\d{4})->(\S+) (\S+) tid=(\S+) mid=\S+ stan=(\S+) batch=(\S+) pan=\S+ amount=\S+ rc=(\S+)/;

/**
 * The acquirer host simulator in the test process, so it outlives every terminal life. Its transaction
 * log is kept line by line: it shows every request the host processed (also management messages and
 * answers that were never delivered), and lets a test cut the power while an answer is in flight.
 */
export class PowerCutHost {
  readonly exchanges: HostExchange[] = [];
  private readonly watchers = new Set<(e: HostExchange) => void>();
  private pending = "";

  private constructor(
    readonly host: HostSimulator,
    readonly address: ListenAddress,
  ) {}

  static async start(): Promise<PowerCutHost> {
    let self: PowerCutHost | undefined;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        self?.take(chunk.toString("utf8"));
        done();
      },
    });
    const host = new HostSimulator({ log: sink });
    const address = await host.start({ host: "127.0.0.1", port: 0 });
    self = new PowerCutHost(host, address);
    return self;
  }

  stop(): Promise<void> {
    return this.host.stop();
  }

  /** Exchanges of one terminal, in the order the host processed them. */
  of(terminalId: string): HostExchange[] {
    return this.exchanges.filter((e) => e.terminalId === terminalId);
  }

  /** Calls `watch` for each exchange processed from now on, until the returned function is called. */
  watch(watch: (e: HostExchange) => void): () => void {
    this.watchers.add(watch);
    return () => this.watchers.delete(watch);
  }

  private take(text: string): void {
    const lines = (this.pending + text).split("\n");
    this.pending = lines.pop() ?? "";
    for (const line of lines) {
      const m = EXCHANGE.exec(line);
      if (!m) continue;
      const exchange: HostExchange = {
        mti: m[1]!,
        responseMti: m[2]!,
        transaction: m[3]!,
        terminalId: m[4]!,
        stan: m[5]!,
        batch: m[6]!,
        responseCode: m[7]!,
        line,
      };
      this.exchanges.push(exchange);
      for (const w of this.watchers) w(exchange);
    }
  }
}

export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  report: PowerCutReport | undefined;
  stdout: string;
  stderr: string;
  ms: number;
  /** The test gave up waiting and killed the child (a hang, not a power cut). */
  timedOut: boolean;
}

export interface RunOptions {
  /** Cut the power from outside when the host processes a matching request (its answer still in flight). */
  killWhen?: (e: HostExchange) => boolean;
  timeoutMs?: number;
}

/** One life of the terminal: `node power-cut-child.js <args>`; resolves when the process is gone. */
export function runChild(
  hosted: PowerCutHost,
  args: PowerCutArgs,
  options: RunOptions = {},
): Promise<ChildOutcome> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CHILD_JS, JSON.stringify(args)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    const unwatch = options.killWhen
      ? hosted.watch((e) => {
          if (options.killWhen!(e)) child.kill("SIGKILL");
        })
      : () => {};
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 30_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      unwatch();
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      unwatch();
      const last = stdout.trim().split("\n").pop();
      let report: PowerCutReport | undefined;
      try {
        report = last ? (JSON.parse(last) as PowerCutReport) : undefined;
      } catch {
        report = undefined;
      }
      resolvePromise({ code, signal, report, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}
