import type { Iso8583Message } from "../../protocol/iso8583/spec.js";
import { buildField60 } from "../../protocol/iso8583/subfields/field60.js";
import {
  buildInstantSettlementRequest,
  INSTANT_SETTLEMENT_CODE,
} from "../../protocol/iso8583/subfields/instant-settlement.js";

export interface InstantQueryValues {
  terminalId: string;
  merchantId: string;
  /** A fresh STAN from the journal. */
  stan: string;
  batch: string;
  /** YYYYMMDD; absent: the host's today. */
  date?: string;
}

/**
 * 0820 D0 funds query (docs/instant-settlement.md): 11, 41, 42, 60 (00 + batch + 601), [62 date]. No MAC,
 * like the other CUP management messages: it moves no money and carries no card data.
 */
export function buildInstantSettlementQuery(v: InstantQueryValues): Iso8583Message {
  const fields: Record<number, string> = {
    11: v.stan,
    41: v.terminalId,
    42: v.merchantId,
    60: buildField60({ txnType: "00", batch: v.batch, netMgmtCode: INSTANT_SETTLEMENT_CODE }),
  };
  if (v.date !== undefined) fields[62] = buildInstantSettlementRequest(v.date).toString("hex").toUpperCase();
  return { mti: "0820", fields };
}
