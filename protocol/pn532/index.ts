/** NXP PN532 host-link codec: frames, incremental decoder, commands, responses, status byte. */
export * from "./commands.js";
export * from "./decoder.js";
export * from "./frame.js";
export * from "./pn532-error.js";
export * from "./responses.js";
export * from "./status.js";
export * from "./targets.js";
