import { buildPositional, type PositionalLayout, parsePositional } from "./positional.js";

/** Field 60 (n..17): transaction type, batch, network-management code and terminal flags (§1.4). */
export interface Field60 {
  /** 60.1 n2 交易类型码: "22" sale, "00" management… (§1.5). */
  txnType: string;
  /** 60.2 n6 批次号: host-assigned in 0810, echoed afterwards. */
  batch?: string;
  /** 60.3 n3 网络管理信息码: "000" financial, "003" sign-in, "201" settlement… */
  netMgmtCode?: string;
  /** 60.4 n1 终端读取能力: 0 unknown, 2 mag, 5 mag+contact, 6 mag+contact+contactless. */
  readCapability?: string;
  /** 60.5 n1 IC card condition: 0 normal, 1, 2 fallback after IC failure. */
  icCondition?: string;
  /** 60.6 n1 partial approval / balance return supported. */
  partialApproval?: string;
  /** 60.7 n3 account type / extension. */
  accountType?: string;
}

export const FIELD60_LAYOUT: PositionalLayout = {
  field: 60,
  required: 1,
  subs: [
    { key: "txnType", id: "60.1", length: 2, charset: "n" },
    { key: "batch", id: "60.2", length: 6, charset: "n" },
    { key: "netMgmtCode", id: "60.3", length: 3, charset: "n" },
    { key: "readCapability", id: "60.4", length: 1, charset: "n" },
    { key: "icCondition", id: "60.5", length: 1, charset: "n" },
    { key: "partialApproval", id: "60.6", length: 1, charset: "n" },
    { key: "accountType", id: "60.7", length: 3, charset: "n" },
  ],
};

export function parseField60(value: string): Field60 {
  return parsePositional(FIELD60_LAYOUT, value) as unknown as Field60;
}

export function buildField60(record: Field60): string {
  return buildPositional(FIELD60_LAYOUT, record as unknown as Record<string, string | undefined>);
}
