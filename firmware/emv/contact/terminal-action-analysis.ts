import type { CryptogramType } from "./apdu-commands.js";
import type { TransactionContext } from "./transaction-context.js";

const ZEROS = Buffer.alloc(5);
const ONES = Buffer.alloc(5, 0xff);

/** Issuer action codes; an absent IAC-Denial is all zeros, absent IAC-Online/Default all ones (Book 3 §10.7). */
function iac(ctx: TransactionContext, tag: "9F0E" | "9F0F" | "9F0D"): Buffer {
  const value = ctx.card.get(tag);
  if (value && value.length === 5) return value;
  return tag === "9F0E" ? ZEROS : ONES;
}

function or(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((byte, i) => byte | b[i]!));
}

/** Terminal type second digit 1/4 = online only, 2/5 = offline with online capability, 3/6 = offline only. */
export function terminalOnlineCapability(
  terminalType: number,
): "online-only" | "online-capable" | "offline-only" {
  const digit = terminalType & 0x0f;
  if (digit === 1 || digit === 4) return "online-only";
  if (digit === 3 || digit === 6) return "offline-only";
  return "online-capable";
}

/**
 * Terminal action analysis before the first GENERATE AC: denial codes ⇒ AAC; online codes ⇒ ARQC on an
 * online-capable terminal (always ARQC on an online-only one); default codes decide on an offline-only
 * terminal; otherwise TC.
 */
export function terminalActionAnalysis(ctx: TransactionContext): CryptogramType {
  const tac = ctx.aidConfig;
  if (ctx.tvr.matches(or(tac.tacDenial, iac(ctx, "9F0E")))) return "aac";
  const capability = terminalOnlineCapability(ctx.config.terminalType);
  if (capability === "online-only") return "arqc";
  if (capability === "offline-only") return defaultActionAnalysis(ctx);
  return ctx.tvr.matches(or(tac.tacOnline, iac(ctx, "9F0F"))) ? "arqc" : "tc";
}

/** Default action codes: used offline-only, and again when an online-capable terminal cannot go online. */
export function defaultActionAnalysis(ctx: TransactionContext): "aac" | "tc" {
  return ctx.tvr.matches(or(ctx.aidConfig.tacDefault, iac(ctx, "9F0D"))) ? "aac" : "tc";
}
