export { HidWedgeEmulator, MagtekHidEmulator } from "./hid-msr-emulator.js";
export { SerialMsrEmulator } from "./serial-msr-emulator.js";
export { type HeadRead, readStripe, type StripeFault, type SwipeOptions } from "./stripe-head.js";
