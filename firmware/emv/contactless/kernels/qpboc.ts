import type { KernelDependencies } from "./kernel.js";
import { QuickKernel } from "./quick-kernel.js";

/**
 * UnionPay QuickPass qPBOC (kernel 7, Book C-7 family). Default TTQ 26000080: qPBOC supported, online
 * PIN, signature, fDDA v01 (emv-research.md §2.4); DF60/DF69 answered 00 (no extended application, no
 * SM algorithms yet).
 */
export function createQpbocKernel(deps: KernelDependencies): QuickKernel {
  return new QuickKernel(
    {
      id: 7,
      name: "qPBOC",
      defaultTtq: Buffer.from("26000080", "hex"),
      extraPdolValues: new Map([
        ["DF60", Buffer.from([0x00])],
        ["DF69", Buffer.from([0x00])],
      ]),
    },
    deps,
  );
}
