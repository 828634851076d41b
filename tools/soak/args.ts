import { Command, CommanderError, InvalidArgumentError } from "commander";

export interface SoakArgs {
  transactions: number;
  faultRate: number;
  seed: number;
  json: boolean;
  /** The terminal's response timeout (ms): what each "no answer" costs. */
  responseTimeoutMs: number;
}

/** Bad arguments (exit 2), or help shown (exit 0). */
export class SoakArgsError extends Error {
  override name = "SoakArgsError";
  constructor(
    message: string,
    readonly exitCode: 0 | 2 = 2,
  ) {
    super(message);
  }
}

export const MAX_TRANSACTIONS = 1_000_000;

function wholeNumber(what: string, min: number, max: number) {
  return (text: string): number => {
    if (!/^\d+$/.test(text.trim()))
      throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}`);
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

function probability(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError("the fault rate must be a number from 0 to 1 (e.g. 0.2)");
  return n;
}

/** The soak's command line (commander), without touching process.exit: errors come back as SoakArgsError. */
export function parseSoakArgs(argv: readonly string[], write: (text: string) => void = () => {}): SoakArgs {
  const program = new Command("soak")
    .description(
      "Drive the terminal on the rig against the host simulator with random faults, then reconcile",
    )
    .option(
      "--transactions <n>",
      "transactions to run",
      wholeNumber("--transactions", 1, MAX_TRANSACTIONS),
      100,
    )
    .option("--fault-rate <r>", "probability of a fault per transaction, 0..1", probability, 0.2)
    .option(
      "--seed <s>",
      "seed of the plan (same seed, same transactions and faults)",
      wholeNumber("--seed", 0, 0xffffffff),
      1,
    )
    .option(
      "--response-timeout <ms>",
      "terminal response timeout in ms",
      wholeNumber("--response-timeout", 1000, 60_000),
      1000,
    )
    .option("--json", "print the report as JSON", false)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: () => {} });
  try {
    program.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.help")
        throw new SoakArgsError("", 0);
      throw new SoakArgsError(error.message.replace(/^error: /, ""));
    }
    throw error;
  }
  const o = program.opts<{
    transactions: number;
    faultRate: number;
    seed: number;
    responseTimeout: number;
    json: boolean;
  }>();
  return {
    transactions: o.transactions,
    faultRate: o.faultRate,
    seed: o.seed,
    json: o.json,
    responseTimeoutMs: o.responseTimeout,
  };
}
