import { z } from "zod";
import { type Clock, systemClock } from "../../drivers/core/clock.js";
import { parseRigData, readJsonFile } from "./json-file.js";
import { parseRigAction, type RigAction } from "./rig-actions.js";
import { RigDataError, RigError } from "./rig-error.js";

/**
 * Rig scripts: a JSON list of steps `{ "at"?: ms, "action": "tap", "args": { "card": "cup-debit" } }` run in
 * order. `at` is the time from the script's start; a step whose time has passed runs at once, a step
 * without `at` right after the one before. A failing step stops the script, naming the step.
 */
export interface ScriptStep {
  at?: number;
  action: string;
  args?: Record<string, unknown>;
}

export interface ParsedStep {
  at?: number;
  action: RigAction;
}

const stepSchema = z.strictObject({
  at: z.number().int().min(0).max(86_400_000).optional(),
  action: z.string().min(1),
  args: z.record(z.string(), z.unknown()).optional(),
});

/** Validates a script (steps and each step's action); errors name the step: `script.json[2].args.card`. */
export function parseScript(value: unknown, source = "script"): ParsedStep[] {
  const steps = parseRigData(z.array(stepSchema).max(10_000), value, source);
  return steps.map((step, index) => {
    const where = `${source}[${index}]`;
    const args = step.args ?? {};
    if ("action" in args) throw new RigDataError(`${where}.args.action`, "the action belongs in the step");
    const action = parseRigAction({ ...args, action: step.action }, where, `${where}.args`);
    return step.at === undefined ? { action } : { at: step.at, action };
  });
}

/** Reads and validates a script file. */
export function loadScript(file: string): ParsedStep[] {
  return parseScript(readJsonFile(file), file);
}

export interface RunScriptOptions {
  signal?: AbortSignal;
  /** Time for `at` (tests pass a ManualClock). */
  clock?: Clock;
}

/** Runs parsed steps in order through `perform` (the rig's action dispatcher). */
export async function runSteps(
  steps: readonly ParsedStep[],
  perform: (action: RigAction) => Promise<unknown>,
  options: RunScriptOptions = {},
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const start = clock.now();
  for (const [index, step] of steps.entries()) {
    const name = `script step ${index} (${step.action.action})`;
    if (options.signal?.aborted) throw new RigError(`${name}: script aborted`);
    if (step.at !== undefined) await sleepUntil(clock, start + step.at, options.signal, name);
    try {
      await perform(step.action);
    } catch (error) {
      throw new RigError(`${name}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function sleepUntil(
  clock: Clock,
  when: number,
  signal: AbortSignal | undefined,
  name: string,
): Promise<void> {
  const wait = when - clock.now();
  if (wait <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(new RigError(`${name}: script aborted`));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, wait);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
