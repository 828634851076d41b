import {
  type Combination,
  type ContactlessTerminal,
  createMchipKernel,
  createQpbocKernel,
  createQvsdcKernel,
  EntryPoint,
  type Kernel,
  type KernelDependencies,
  type KernelOutcome,
} from "../../../../../firmware/emv/contactless/index.js";
import type { ApduChannel } from "../../../../../firmware/emv/shared/apdu-channel.js";
import type { CapkStore } from "../../../../../protocol/emv/index.js";

export const TERMINAL: ContactlessTerminal = {
  countryCode: Buffer.from("0156", "hex"),
  currencyCode: Buffer.from("0156", "hex"),
  terminalCapabilities: Buffer.from("E0E1C8", "hex"),
  additionalCapabilities: Buffer.from("6000F0A001", "hex"),
  terminalType: 0x22,
  ifdSerialNumber: "00000123",
  onlineCapable: true,
};

export const UNIONPAY_DEBIT = "A000000333010101";
export const VISA = "A0000000031010";
export const MASTERCARD = "A0000000041010";

/** Reader limits: 1000.00 transaction, 300.00 CVM, 500.00 floor (amounts in fen). */
export const COMBINATIONS: Combination[] = [
  {
    aid: Buffer.from("A000000333", "hex"),
    kernelId: 7,
    transactionLimit: 100_000,
    floorLimit: 50_000,
    cvmLimit: 30_000,
    ttq: Buffer.from("26000080", "hex"),
    statusCheck: true,
  },
  {
    aid: Buffer.from("A000000003", "hex"),
    kernelId: 3,
    transactionLimit: 100_000,
    floorLimit: 50_000,
    cvmLimit: 30_000,
    ttq: Buffer.from("27000080", "hex"),
  },
  {
    aid: Buffer.from("A000000004", "hex"),
    kernelId: 2,
    transactionLimit: 100_000,
    floorLimit: 50_000,
    cvmLimit: 30_000,
  },
];

export interface Run {
  outcome: KernelOutcome;
  events: string[];
}

export function deps(
  capks: CapkStore,
  events: string[] = [],
  extra: Partial<KernelDependencies> = {},
): KernelDependencies {
  return {
    terminal: TERMINAL,
    capks,
    clock: () => new Date(2025, 4, 3, 10, 20, 30),
    unpredictableNumber: (n) => Buffer.from("82888929", "hex").subarray(0, n),
    onCardRead: () => events.push("card-read"),
    ...extra,
  };
}

export function entryPoint(
  capks: CapkStore,
  events: string[] = [],
  extra: Partial<KernelDependencies> = {},
  combinations = COMBINATIONS,
): EntryPoint {
  const d = deps(capks, events, extra);
  const kernels = new Map<number, Kernel>([
    [7, createQpbocKernel(d)],
    [3, createQvsdcKernel(d)],
    [2, createMchipKernel(d)],
  ]);
  return new EntryPoint({ combinations, kernels, onlineCapable: true });
}

export async function tap(
  channel: ApduChannel,
  capks: CapkStore,
  amount: number,
  extra: Partial<KernelDependencies> = {},
): Promise<Run> {
  const events: string[] = [];
  const ep = entryPoint(capks, events, extra);
  const transaction = { amount, type: 0x00 };
  const outcome = await ep.tap(channel, transaction, ep.preProcess(transaction));
  return { outcome, events };
}
