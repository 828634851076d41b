import { EmvDataError } from "./emv-error.js";

/** Application Usage Control (9F07), EMV Book 3 Annex C2. */
export interface Auc {
  domesticCash: boolean;
  internationalCash: boolean;
  domesticGoods: boolean;
  internationalGoods: boolean;
  domesticServices: boolean;
  internationalServices: boolean;
  validAtAtms: boolean;
  validAtTerminalsOtherThanAtms: boolean;
  domesticCashback: boolean;
  internationalCashback: boolean;
  raw: Buffer;
}

export function parseAuc(value: Buffer): Auc {
  if (value.length !== 2) {
    throw new EmvDataError(`AUC must be 2 bytes, got ${value.length}`, { path: "tag 9F07" });
  }
  const b1 = value[0]!;
  const b2 = value[1]!;
  return {
    domesticCash: (b1 & 0x80) !== 0,
    internationalCash: (b1 & 0x40) !== 0,
    domesticGoods: (b1 & 0x20) !== 0,
    internationalGoods: (b1 & 0x10) !== 0,
    domesticServices: (b1 & 0x08) !== 0,
    internationalServices: (b1 & 0x04) !== 0,
    validAtAtms: (b1 & 0x02) !== 0,
    validAtTerminalsOtherThanAtms: (b1 & 0x01) !== 0,
    domesticCashback: (b2 & 0x80) !== 0,
    internationalCashback: (b2 & 0x40) !== 0,
    raw: Buffer.from(value),
  };
}

export interface AucContext {
  /** Issuer country code 5F28 equals terminal country code 9F1A. */
  domestic: boolean;
  atm: boolean;
  /** What the transaction is; a purchase with cashback checks goods and cashback. */
  service: "cash" | "goods" | "services" | "goods-with-cashback" | "services-with-cashback";
}

/**
 * Book 3 §10.4.2: whether the AUC allows this transaction. False ⇒ TVR "requested service not
 * allowed for card product".
 */
export function aucAllows(auc: Auc, ctx: AucContext): boolean {
  if (ctx.atm ? !auc.validAtAtms : !auc.validAtTerminalsOtherThanAtms) return false;
  const d = ctx.domestic;
  switch (ctx.service) {
    case "cash":
      return d ? auc.domesticCash : auc.internationalCash;
    case "goods":
      return d ? auc.domesticGoods : auc.internationalGoods;
    case "services":
      return d ? auc.domesticServices : auc.internationalServices;
    case "goods-with-cashback":
      return (
        (d ? auc.domesticGoods : auc.internationalGoods) &&
        (d ? auc.domesticCashback : auc.internationalCashback)
      );
    case "services-with-cashback":
      return (
        (d ? auc.domesticServices : auc.internationalServices) &&
        (d ? auc.domesticCashback : auc.internationalCashback)
      );
  }
}
