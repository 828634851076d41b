export { ContactReaderEmulator, type ContactReaderEmulatorOptions } from "./contact-reader-emulator.js";
export type { ContactReaderFault, ContactReaderFaultRule } from "./faults.js";
export { T0CardAdapter } from "./t0-card.js";
export { T1CardAdapter } from "./t1-card.js";
