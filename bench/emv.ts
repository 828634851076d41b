import { runContactTransaction } from "../firmware/emv/contact/index.js";
import {
  type Combination,
  createMchipKernel,
  createQpbocKernel,
  createQvsdcKernel,
  EntryPoint,
  type Kernel,
  type KernelDependencies,
  type KernelOutcome,
} from "../firmware/emv/contactless/index.js";
import { unionPayTerminalConfig } from "../firmware/emv/shared/terminal-config.js";
import { CapkStore } from "../protocol/emv/index.js";
import { cardChannel, loadTestCapks, type TestProfileName, testCard } from "../tools/rig/cards/emv/index.js";
import { isMain, resultTable, sink } from "./measure.js";
import type { BenchResult } from "./result.js";

/**
 * Contactless terminal-side time against the rig's virtual cards (tools/rig/cards/emv): the card-in-
 * field window (SELECT PPSE → last APDU answered) per tap, and the RSA steps of offline data
 * authentication that run after it (issuer key, ICC key, fDDA/CDA signature). The virtual card answers
 * in-process, so the figures are the terminal's own CPU; RF adds ~20–80 ms per APDU on real readers
 * (emv-research.md §2.5). Target: card-in-field well under 500 ms.
 */

const RUNS = 40;
const WARM_UP = 3;

const COMBINATIONS: Combination[] = [
  {
    aid: Buffer.from("A000000333", "hex"),
    kernelId: 7,
    transactionLimit: 100_000,
    floorLimit: 50_000,
    cvmLimit: 30_000,
    ttq: Buffer.from("26000080", "hex"),
  },
  {
    aid: Buffer.from("A000000003", "hex"),
    kernelId: 3,
    transactionLimit: 100_000,
    floorLimit: 50_000,
    cvmLimit: 30_000,
    ttq: Buffer.from("26000080", "hex"),
  },
  {
    aid: Buffer.from("A000000004", "hex"),
    kernelId: 2,
    transactionLimit: 100_000,
    floorLimit: 50_000,
    cvmLimit: 30_000,
  },
];

function entryPoint(capks: CapkStore): EntryPoint {
  let counter = 0;
  const deps: KernelDependencies = {
    terminal: {
      countryCode: Buffer.from("0156", "hex"),
      currencyCode: Buffer.from("0156", "hex"),
      terminalCapabilities: Buffer.from("E0E1C8", "hex"),
      additionalCapabilities: Buffer.from("6000F0A001", "hex"),
      terminalType: 0x22,
      ifdSerialNumber: "00000123",
      onlineCapable: true,
    },
    capks,
    clock: () => new Date(),
    unpredictableNumber: (n) => {
      const out = Buffer.alloc(n);
      out.writeUInt32BE(++counter >>> 0, Math.max(0, n - 4));
      return out;
    },
  };
  const kernels = new Map<number, Kernel>([
    [7, createQpbocKernel(deps)],
    [3, createQvsdcKernel(deps)],
    [2, createMchipKernel(deps)],
  ]);
  return new EntryPoint({ combinations: COMBINATIONS, kernels, onlineCapable: true });
}

interface Sample {
  outcome: KernelOutcome;
  tapMs: number;
}

async function run(card: TestProfileName, amount: number, capks: CapkStore, runs: number): Promise<Sample[]> {
  const ep = entryPoint(capks);
  const samples: Sample[] = [];
  for (let i = 0; i < runs + WARM_UP; i++) {
    const channel = cardChannel(testCard(card));
    const tx = { amount, type: 0x00 };
    const pre = ep.preProcess(tx);
    const start = performance.now();
    const outcome = await ep.tap(channel, tx, pre);
    const tapMs = performance.now() - start;
    sink.last = outcome;
    if (i >= WARM_UP) samples.push({ outcome, tapMs });
  }
  return samples;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const perSec = (ms: number) => (ms > 0 ? 1000 / ms : 0);

/** `runs` taps per case after a short warm-up (the smoke test passes a small number). */
export async function benchEmv(options: { runs?: number } = {}): Promise<BenchResult[]> {
  const runs = options.runs ?? RUNS;
  const capks = new CapkStore(loadTestCapks());
  const cases: [string, TestProfileName, number][] = [
    ["qPBOC offline (fDDA)", "unionpay-debit", 2000],
    ["qPBOC online (ARQC)", "unionpay-debit", 60_000],
    ["qVSDC (Visa test card)", "visa", 2000],
    ["M/Chip-style (GENERATE AC + CDA)", "mastercard", 2000],
  ];
  const results: BenchResult[] = [];
  for (const [label, card, amount] of cases) {
    const samples = await run(card, amount, capks, runs);
    const outcome = samples[0]!.outcome;
    const fieldMs = mean(samples.map((s) => s.outcome.record?.timings.cardInFieldMs ?? s.tapMs));
    const afterMs = mean(samples.map((s) => s.outcome.record?.timings.afterCardMs ?? 0));
    results.push({
      name: `${label}: card in field`,
      opsPerSec: perSec(fieldMs),
      note: `${fieldMs.toFixed(2)} ms SELECT PPSE → last APDU (target < 500 ms); outcome ${outcome.outcome}, ODA ${outcome.record?.oda ?? "n/a"}`,
    });
    results.push({
      name: `${label}: after card (ODA, decision, field 55)`,
      opsPerSec: perSec(afterMs),
      note: `${afterMs.toFixed(3)} ms with the card free to leave`,
    });
    const oda = samples.map((s) => s.outcome.record?.timings.oda).filter((o) => o !== undefined);
    if (oda.length > 0) {
      for (const step of ["issuerKeyMs", "iccKeyMs", "signatureMs"] as const) {
        const ms = mean(oda.map((o) => o[step]));
        results.push({
          name: `${label}: RSA ${step.replace("Ms", "")}`,
          opsPerSec: perSec(ms),
          note: `${(ms * 1000).toFixed(0)} µs`,
        });
      }
    }
  }
  return [...results, ...(await benchContact(runs, capks))];
}

/**
 * Contact (inserted card): the kernel from application selection to the online request (ODA, CVM,
 * risk management, GENERATE AC 1), then the completion with an ARPC (GENERATE AC 2). The PIN pad is a
 * stub here: its wait is the cardholder's, not the terminal's.
 */
async function benchContact(runs: number, capks: CapkStore): Promise<BenchResult[]> {
  const cases: [string, TestProfileName][] = [
    ["contact UnionPay debit (DDA)", "unionpay-debit"],
    ["contact UnionPay credit (SDA)", "unionpay-credit"],
    ["contact Mastercard (CDA)", "mastercard"],
  ];
  const pinEntry = { onlinePin: async () => ({ kind: "entered" as const, pinBlock: Buffer.alloc(8, 0x5a) }) };
  const results: BenchResult[] = [];
  for (const [label, name] of cases) {
    const toOnline: number[] = [];
    const completion: number[] = [];
    for (let i = 0; i < runs + WARM_UP; i++) {
      const channel = cardChannel(testCard(name));
      const start = performance.now();
      const outcome = await runContactTransaction(
        { channel, config: unionPayTerminalConfig(), capks, pinEntry },
        { amount: 12_345 },
      );
      const online = performance.now();
      if (outcome.kind !== "online-request")
        throw new Error(`${label}: expected an online request, got ${outcome.kind}`);
      // No host here: the completion runs the unable-to-go-online path (default action analysis, GENERATE AC 2).
      sink.last = await outcome.unableToGoOnline();
      const done = performance.now();
      if (i >= WARM_UP) {
        toOnline.push(online - start);
        completion.push(done - online);
      }
    }
    const a = mean(toOnline);
    const b = mean(completion);
    results.push({
      name: `${label}: insert → online request`,
      opsPerSec: perSec(a),
      note: `${a.toFixed(2)} ms selection, records, ODA (RSA inside), CVM, risk, GENERATE AC 1`,
    });
    results.push({
      name: `${label}: completion`,
      opsPerSec: perSec(b),
      note: `${b.toFixed(2)} ms GENERATE AC 2`,
    });
  }
  return results;
}

if (isMain(import.meta.url)) {
  process.stdout.write(`${resultTable(await benchEmv())}\n`);
}
