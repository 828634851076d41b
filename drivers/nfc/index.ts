/** The NFC module: the ContactlessReader interface and its PN532 (HSU) implementation. */
export * from "./contactless-reader.js";
export * from "./nfc-errors.js";
export * from "./pn532-reader.js";
export * from "./pn532-session.js";
