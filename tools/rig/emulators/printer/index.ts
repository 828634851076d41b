export {
  PrinterEmulator,
  type PrinterEmulatorOptions,
  type PrinterEmulatorStats,
} from "./printer-emulator.js";
export type { PrinterFaultPlan } from "./printer-faults.js";
export { sampleSaleSlip } from "./sample-slip.js";
