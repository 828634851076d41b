import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { unionPayEcbMac, verifyUnionPayEcbMac } from "../protocol/crypto/mac-unionpay-ecb.js";
import { encryptPinBlock } from "../protocol/crypto/pinblock/index.js";
import { splitSignInKeys, unwrapWorkingKeys } from "../protocol/crypto/working-keys.js";
import { LengthPrefixDecoder } from "../protocol/framing/length-prefix.js";
import { fromHex } from "../protocol/hex.js";
import { buildSale, buildSignIn } from "../protocol/iso8583/cup/builders.js";
import { frameMessage, MESSAGE_OFFSET, unpackFrame } from "../protocol/iso8583/cup/frame.js";
import { macInput, packWithMac } from "../protocol/iso8583/cup/mac.js";
import { cupSpec } from "../protocol/iso8583/cup/spec.js";
import { pack } from "../protocol/iso8583/message.js";
import type { Iso8583Message } from "../protocol/iso8583/spec.js";
import { parseField60 } from "../protocol/iso8583/subfields/field60.js";
import { DEFAULT_TMK_HEX } from "../tools/host-sim/default-cards.js";
import { HostSimulator } from "../tools/host-sim/host-simulator.js";
import { isMain, resultTable } from "./measure.js";
import type { BenchResult } from "./result.js";

/**
 * Load test of the host simulator: N concurrent simulated terminals on loopback, each signing in and
 * then sending MAC'd PIN sales back to back (one in flight per terminal, as terminals do). The host
 * verifies every request MAC, deciphers every PIN block and MACs every answer; the terminals verify the
 * answer MACs. By default the host runs in a worker thread so host and terminals each get a core.
 * After the run, the approved amounts the terminals saw are compared with the host's ledger.
 */

const PAN = "6222021000000000014";
const PIN = "123456";
const BENCH_CARDS = [{ pan: PAN, pin: PIN, balance: 900_000_000_000, name: "bench card" }];
const TPDU = { destination: "0003", source: "0000" };
const HEADER = {
  applicationType: "60",
  specVersion: "31",
  terminalStatus: 0,
  processingRequirement: 0,
  softwareVersion: "000000",
};

export interface HostSimBenchOptions {
  terminals?: number;
  durationMs?: number;
  warmupMs?: number;
  /** Run the host in a worker thread (default) or in this thread. */
  hostInWorker?: boolean;
}

interface HostHandle {
  port: number;
  ledgerTotals(): Promise<{ debit: number; approvedCount: number }>;
  stop(): Promise<void>;
}

async function startHostInProcess(): Promise<HostHandle> {
  const sim = new HostSimulator({ cards: BENCH_CARDS });
  const { port } = await sim.start();
  return {
    port,
    ledgerTotals: async () => {
      const t = sim.ledger().totals;
      return { debit: t.debit, approvedCount: t.approvedCount };
    },
    stop: () => sim.stop(),
  };
}

async function startHostInWorker(): Promise<HostHandle> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { hostSimBenchWorker: true } });
  const [ready] = (await once(worker, "message")) as [{ port: number }];
  const ask = async <T>(request: string): Promise<T> => {
    worker.postMessage(request);
    const [answer] = (await once(worker, "message")) as [T];
    return answer;
  };
  return {
    port: ready.port,
    ledgerTotals: () => ask("totals"),
    stop: async () => {
      await ask("stop");
      await worker.terminate();
    },
  };
}

/** The worker side: a simulator answering "totals" and "stop" over the message port. */
async function runWorkerHost(): Promise<void> {
  const sim = new HostSimulator({ cards: BENCH_CARDS });
  const { port } = await sim.start();
  parentPort!.on("message", async (request: string) => {
    if (request === "totals") {
      const t = sim.ledger().totals;
      parentPort!.postMessage({ debit: t.debit, approvedCount: t.approvedCount });
    } else if (request === "stop") {
      await sim.stop();
      parentPort!.postMessage("stopped");
    }
  });
  parentPort!.postMessage({ port });
}

function frameOf(body: Buffer): Buffer {
  return frameMessage(TPDU, HEADER, body);
}

/** One simulated terminal: a socket, its keys, a STAN counter and one request in flight. */
class Terminal {
  private readonly decoder = new LengthPrefixDecoder();
  private pending: ((frame: Buffer) => void) | undefined;
  private stan = 0;
  private batch = "000000";
  private mak: Buffer = Buffer.alloc(0);
  private pinBlock: Buffer = Buffer.alloc(0);
  approvedAmount = 0;
  approvedCount = 0;
  badMacs = 0;
  declines = 0;

  private constructor(
    private readonly socket: Socket,
    readonly terminalId: string,
  ) {
    socket.on("data", (chunk: Buffer) => {
      for (const body of this.decoder.push(chunk)) {
        const frame = Buffer.allocUnsafe(body.length + 2);
        frame.writeUInt16BE(body.length, 0);
        body.copy(frame, 2);
        const resolve = this.pending;
        this.pending = undefined;
        resolve?.(frame);
      }
    });
  }

  static async open(port: number, index: number): Promise<Terminal> {
    const socket = connect({ host: "127.0.0.1", port });
    await once(socket, "connect");
    socket.setNoDelay(true);
    return new Terminal(socket, String(20_000_000 + index));
  }

  private exchange(frame: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.socket.write(frame);
    });
  }

  private nextStan(): string {
    this.stan = (this.stan % 999_999) + 1;
    return String(this.stan).padStart(6, "0");
  }

  async signIn(tmk: Buffer): Promise<void> {
    const request = buildSignIn({
      terminalId: this.terminalId,
      merchantId: "898310048990001",
      stan: this.nextStan(),
      batch: this.batch,
      operator: "01 ",
    });
    const reply = unpackFrame(await this.exchange(frameOf(pack(cupSpec, request)))).message;
    const keys = unwrapWorkingKeys(tmk, splitSignInKeys(Buffer.from(reply.fields[62]!, "hex")).keys);
    this.mak = keys.get("mak")!;
    const pik = keys.get("pik")!;
    this.pinBlock = encryptPinBlock(pik, Buffer.from(PIN, "ascii"), { format: 0, pan: PAN });
    pik.fill(0);
    this.batch = parseField60(reply.fields[60]!).batch!;
  }

  /** One MAC'd PIN sale; returns the round-trip time in ns. */
  async sale(amount: number): Promise<number> {
    const message: Iso8583Message = buildSale({
      terminalId: this.terminalId,
      merchantId: "898310048990001",
      stan: this.nextStan(),
      batch: this.batch,
      amount,
      card: { pan: PAN, entryMode: "021" },
      pinBlock: this.pinBlock,
      securityControl: "2600000000000000",
    });
    const mak = this.mak;
    const frame = frameOf(packWithMac(message, (mab) => unionPayEcbMac(mak, mab)));
    const t0 = process.hrtime.bigint();
    const raw = await this.exchange(frame);
    const elapsed = Number(process.hrtime.bigint() - t0);
    const body = raw.subarray(MESSAGE_OFFSET);
    const answer = unpackFrame(raw).message;
    const mac = answer.fields[64];
    if (!mac || !verifyUnionPayEcbMac(mak, macInput(body), Buffer.from(mac, "hex"))) this.badMacs++;
    if (answer.fields[39] === "00") {
      this.approvedAmount += amount;
      this.approvedCount++;
    } else {
      this.declines++;
    }
    return elapsed;
  }

  close(): void {
    this.socket.destroy();
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Drives the terminals until the deadline; returns every round-trip time (ns) measured after warm-up. */
async function drive(terminals: Terminal[], warmupMs: number, durationMs: number): Promise<number[]> {
  const latencies: number[] = [];
  const start = Date.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + durationMs;
  let amount = 0;
  await Promise.all(
    terminals.map(async (t) => {
      while (Date.now() < end) {
        amount = (amount % 999) + 1;
        const ns = await t.sale(amount);
        if (Date.now() >= measureFrom) latencies.push(ns);
      }
    }),
  );
  return latencies;
}

/** The host simulator under load; figures for `npm run bench` and the README. */
export async function benchHostSim(options: HostSimBenchOptions = {}): Promise<BenchResult[]> {
  const count = options.terminals ?? 50;
  const durationMs = options.durationMs ?? 10_000;
  const warmupMs = options.warmupMs ?? 1_000;
  const host = options.hostInWorker === false ? await startHostInProcess() : await startHostInWorker();
  const tmk = fromHex(DEFAULT_TMK_HEX, "tmk");
  const terminals: Terminal[] = [];
  try {
    for (let i = 0; i < count; i++) terminals.push(await Terminal.open(host.port, i));
    await Promise.all(terminals.map((t) => t.signIn(tmk)));
    const latencies = await drive(terminals, warmupMs, durationMs);
    const sorted = Float64Array.from(latencies).sort();
    const terminalSide = terminals.reduce(
      (acc, t) => ({
        amount: acc.amount + t.approvedAmount,
        count: acc.count + t.approvedCount,
        badMacs: acc.badMacs + t.badMacs,
        declines: acc.declines + t.declines,
      }),
      { amount: 0, count: 0, badMacs: 0, declines: 0 },
    );
    const hostSide = await host.ledgerTotals();
    // The host also counts each terminal's sign-in as an approved exchange only if it were financial:
    // it is not, so approved counts compare directly.
    const balanced = hostSide.debit === terminalSide.amount && hostSide.approvedCount === terminalSide.count;
    const txPerSec = latencies.length / (durationMs / 1000);
    const ms = (ns: number) => (ns / 1e6).toFixed(2);
    const where = options.hostInWorker === false ? "host in-process" : "host in a worker thread";
    return [
      {
        name: `host-sim: ${count} terminals, MAC'd PIN sales`,
        opsPerSec: txPerSec,
        note:
          `${where}; p50 ${ms(percentile(sorted, 50))} ms, p99 ${ms(percentile(sorted, 99))} ms; ` +
          `ledger ${balanced ? "balances" : "DOES NOT balance"} (terminals ${terminalSide.count} approved, ` +
          `${terminalSide.amount} fen; host ${hostSide.approvedCount}, ${hostSide.debit} fen); ` +
          `declines ${terminalSide.declines}, bad answer MACs ${terminalSide.badMacs}`,
      },
    ];
  } finally {
    for (const t of terminals) t.close();
    tmk.fill(0);
    await host.stop();
  }
}

if (!isMainThread && (workerData as { hostSimBenchWorker?: boolean } | undefined)?.hostSimBenchWorker) {
  await runWorkerHost();
} else if (isMain(import.meta.url)) {
  const inProcess = process.argv.includes("--in-process");
  const seconds = process.argv.find((a) => a.startsWith("--seconds="))?.slice("--seconds=".length);
  const results = await benchHostSim({
    hostInWorker: !inProcess,
    ...(seconds ? { durationMs: Number(seconds) * 1000 } : {}),
  });
  process.stdout.write(`${resultTable(results)}\n`);
}
