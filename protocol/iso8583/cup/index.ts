/** The UnionPay POS dialect: field table, framing, factor table, builders, MAC boundary, codes. */
export * from "./builders.js";
export * from "./describe.js";
export * from "./frame.js";
export * from "./header.js";
export * from "./mac.js";
export * from "./parsed.js";
export * from "./response-codes.js";
export * from "./spec.js";
export * from "./tpdu.js";
export * from "./transactions.js";
