import type { KernelDependencies } from "./kernel.js";
import { QuickKernel } from "./quick-kernel.js";

/** Visa qVSDC-style kernel (kernel 3, Book C-3): default TTQ 26000080 as for qPBOC (same bit layout). */
export function createQvsdcKernel(deps: KernelDependencies): QuickKernel {
  return new QuickKernel({ id: 3, name: "qVSDC", defaultTtq: Buffer.from("26000080", "hex") }, deps);
}
