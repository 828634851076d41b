#!/usr/bin/env node
import { parseSoakArgs, SoakArgsError } from "./args.js";
import { formatReport } from "./report.js";
import { runSoak } from "./runner.js";

/** `npm run soak -- --transactions N --fault-rate R --seed S [--json]`: 0 all invariants hold, 1 violations, 2 bad arguments. */
async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseSoakArgs>;
  try {
    args = parseSoakArgs(argv, (text) => process.stdout.write(text));
  } catch (error) {
    if (error instanceof SoakArgsError) {
      if (error.exitCode === 2) process.stderr.write(`soak: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
  const progress = !args.json && process.stderr.isTTY;
  const report = await runSoak({
    transactions: args.transactions,
    faultRate: args.faultRate,
    seed: args.seed,
    responseTimeoutMs: args.responseTimeoutMs,
    ...(progress
      ? {
          onStep: (o) =>
            process.stderr.write(
              `\r${o.index + 1}/${args.transactions} ${o.type} ${o.status}${o.fault ? ` [${o.fault}]` : ""}`.padEnd(
                70,
              ),
            ),
        }
      : {}),
  });
  if (progress) process.stderr.write("\n");
  process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
