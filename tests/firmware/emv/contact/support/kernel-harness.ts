import {
  type ContactKernelDependencies,
  type ContactOutcome,
  type RandomSource,
  runContactTransaction,
  type TransactionInput,
} from "../../../../../firmware/emv/contact/index.js";
import {
  parseTerminalConfig,
  type TerminalConfigInput,
  UNIONPAY_DEFAULTS,
} from "../../../../../firmware/emv/shared/terminal-config.js";
import { CapkStore, describeTvr, type TvrBit } from "../../../../../protocol/emv/index.js";
import type { ScriptedCard } from "./scripted-card.js";

export const NOW = () => new Date(2025, 4, 6, 10, 30, 0);

/** Fixed randomness: 9F37 = A5A5A5A5, random selection draws `draw`. */
export function fixedRandom(draw = 99): RandomSource {
  return { bytes: (n) => Buffer.alloc(n, 0xa5), int: () => draw };
}

type AidInput = TerminalConfigInput["aids"][number];

/** UnionPay defaults with the first (CUP debit) AID record changed. */
export function cupConfig(aid: Partial<AidInput> = {}, top: Partial<TerminalConfigInput> = {}) {
  const aids = UNIONPAY_DEFAULTS.aids.map((a, i) => (i === 0 ? { ...a, ...aid } : a));
  return parseTerminalConfig({ ...UNIONPAY_DEFAULTS, ...top, aids });
}

export async function runWith(
  card: ScriptedCard,
  options: {
    config?: ReturnType<typeof cupConfig>;
    input?: Partial<TransactionInput>;
    deps?: Partial<ContactKernelDependencies>;
  } = {},
): Promise<ContactOutcome> {
  return runContactTransaction(
    {
      channel: card,
      config: options.config ?? cupConfig(),
      capks: new CapkStore([]),
      now: NOW,
      random: fixedRandom(),
      ...options.deps,
    },
    { amount: 10_000, ...options.input },
  );
}

/** TVR bit names of an outcome (end-application included). */
export function tvrBits(outcome: ContactOutcome): TvrBit[] {
  if (outcome.kind === "fallback-to-magstripe") return [];
  return describeTvr(outcome.tvr);
}
