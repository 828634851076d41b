import { TRANSACTION_FACTORS } from "../../protocol/iso8583/cup/transactions.js";
import type { Iso8583Message } from "../../protocol/iso8583/spec.js";
import type { TransactionRecord } from "../journal/index.js";
import type { KeyStore } from "../keys/key-store.js";
import { KIND_OF } from "./kinds.js";
import { decipherPan } from "./stored-pan.js";

/**
 * A request as it left, rebuilt from its journal row: the kept fields (never track or PIN data) and the
 * PAN in field 2 from its TDK cipher while that TDK is still current. Reversals repeat it; a refund whose
 * answer was lost is sent again from it.
 */
export function rebuildRequest(record: TransactionRecord, keys: KeyStore): Iso8583Message {
  const fields: Record<number, string> = {};
  for (const [n, value] of Object.entries(record.requestFields ?? {})) fields[Number(n)] = value;
  const pan = decipherPan(keys, record);
  if (pan) {
    fields[2] = pan.toString("latin1");
    pan.fill(0);
  }
  return { mti: TRANSACTION_FACTORS[KIND_OF[record.type]].requestMti!, fields };
}
