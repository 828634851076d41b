import type { TerminalConfig } from "../../shared/terminal-config.js";
import { type Combination, defaultKernelId } from "./combination.js";

/**
 * The entry point's combinations from the terminal configuration (what the TMS downloads): one per AID
 * that has contactless parameters, with its kernel (configured, else the RID's default) and limits.
 * AIDs without contactless parameters, or on a kernel the terminal does not know, are contact-only.
 */
export function combinationsFromConfig(config: TerminalConfig): Combination[] {
  const combinations: Combination[] = [];
  for (const aid of config.aids) {
    const limits = aid.contactless;
    if (!limits) continue;
    const kernelId = limits.kernelId ?? defaultKernelId(aid.aid);
    if (kernelId === undefined) continue;
    const combination: Combination = {
      aid: Buffer.from(aid.aid),
      kernelId,
      transactionLimit: limits.transactionLimit,
      floorLimit: limits.floorLimit,
      cvmLimit: limits.cvmLimit,
    };
    if (limits.ttq) combination.ttq = Buffer.from(limits.ttq);
    combinations.push(combination);
  }
  return combinations;
}
