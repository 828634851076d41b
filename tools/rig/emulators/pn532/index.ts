/** The PN532 emulator for the rig: device side of the NFC module, its RF field and its faults. */
export * from "./faults.js";
export * from "./pn532-emulator.js";
export * from "./rf-field.js";
