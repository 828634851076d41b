/** The rig's ABECS-style PIN pad: emulator, key store, scripted cardholder, device faults. */
export { type AutoPin, Cardholder, type CardholderAction } from "./cardholder.js";
export { type DukptKeySet, PadKeyStore, type PadKeyStoreOptions } from "./pad-key-store.js";
export {
  PinPadEmulator,
  type PinPadEmulatorCounters,
  type PinPadEmulatorOptions,
} from "./pinpad-emulator.js";
export { type PinPadFault, PinPadFaultPlan, type PinPadFaultRule } from "./pinpad-faults.js";
