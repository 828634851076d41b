import type { TransactionContext } from "./transaction-context.js";
import { emvDateValue } from "./transaction-input.js";

/** Terminal types 14/15/16 with cash capability are ATMs (Book 4 Annex A1). */
function isAtm(ctx: TransactionContext): boolean {
  const type = ctx.config.terminalType;
  const cash = ((ctx.config.additionalCapabilities[0] ?? 0) & 0x80) !== 0;
  return [0x14, 0x15, 0x16].includes(type) && cash;
}

/** Application usage control 9F07 against this transaction (Book 3 §10.4.2). */
function serviceAllowed(ctx: TransactionContext, auc: Buffer): boolean {
  const b1 = auc[0] ?? 0;
  const b2 = auc[1] ?? 0;
  if (isAtm(ctx) ? (b1 & 0x02) === 0 : (b1 & 0x01) === 0) return false;
  const issuerCountry = ctx.card.get("5F28");
  if (!issuerCountry) return true;
  const domestic = issuerCountry.equals(ctx.config.countryCode);
  const bit = (domesticMask: number, internationalMask: number, byte: number) =>
    (byte & (domestic ? domesticMask : internationalMask)) !== 0;
  switch (ctx.service) {
    case "cash":
      return bit(0x80, 0x40, b1);
    case "goods":
      return bit(0x20, 0x10, b1);
    case "services":
      return bit(0x08, 0x04, b1);
    case "cashback":
      return bit(0x80, 0x40, b2);
  }
}

/**
 * Processing restrictions (Book 3 §10.4) → TVR byte 2: application versions differ, service not
 * allowed, not yet effective, expired. Never terminates; the action analysis decides.
 */
export function processingRestrictions(ctx: TransactionContext): void {
  const cardVersion = ctx.card.get("9F08");
  const terminalVersion = ctx.terminal.get("9F09");
  if (cardVersion && terminalVersion && !cardVersion.equals(terminalVersion)) {
    ctx.tvr.set("iccAndTerminalDifferentApplicationVersions");
  }
  const auc = ctx.card.get("9F07");
  if (auc && auc.length === 2 && !serviceAllowed(ctx, auc)) ctx.tvr.set("requestedServiceNotAllowed");
  const today = emvDateValue(ctx.terminal.get("9A")!);
  const effective = ctx.card.get("5F25");
  if (effective) {
    const value = emvDateValue(effective);
    if (Number.isNaN(value) || value > today) ctx.tvr.set("applicationNotYetEffective");
  }
  const expiry = emvDateValue(ctx.card.get("5F24")!);
  if (Number.isNaN(expiry) || expiry < today) ctx.tvr.set("expiredApplication");
}
