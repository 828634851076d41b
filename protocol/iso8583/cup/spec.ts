import type { FieldSpec, MessageSpec } from "../spec.js";

/**
 * The UnionPay POS (CUP 2002 / Q/CUP 009 terminal ⇄ POS centre) field table, reference §1.3.
 * MTI 2 bytes BCD, primary bitmap, LL = 1 BCD byte, LLL = 2 BCD bytes; n/z variable data
 * left-aligned with a trailing 0 nibble; fixed n right-aligned except field 22.
 */
const fields: Record<number, FieldSpec> = {
  2: { name: "Primary account number", zh: "主账号", format: "n", kind: "LL", length: 19, sensitive: "pan" },
  3: { name: "Processing code", zh: "处理码", format: "n", kind: "fixed", length: 6 },
  4: { name: "Amount, transaction (fen)", zh: "交易金额", format: "n", kind: "fixed", length: 12 },
  11: { name: "System trace audit number", zh: "受卡方系统跟踪号", format: "n", kind: "fixed", length: 6 },
  12: { name: "Time, local transaction", zh: "受卡方所在地时间", format: "n", kind: "fixed", length: 6 },
  13: { name: "Date, local transaction", zh: "受卡方所在地日期", format: "n", kind: "fixed", length: 4 },
  14: { name: "Date, expiration", zh: "卡有效期", format: "n", kind: "fixed", length: 4 },
  15: { name: "Date, settlement", zh: "清算日期", format: "n", kind: "fixed", length: 4 },
  // Left-aligned: "021" → 02 10 (reference §1.2).
  22: {
    name: "POS entry mode",
    zh: "服务点输入方式码",
    format: "n",
    kind: "fixed",
    length: 3,
    align: "left",
  },
  23: { name: "Card sequence number", zh: "卡序列号", format: "n", kind: "fixed", length: 3, align: "right" },
  25: { name: "POS condition code", zh: "服务点条件码", format: "n", kind: "fixed", length: 2 },
  26: { name: "POS PIN capture code", zh: "服务点PIN获取码", format: "n", kind: "fixed", length: 2 },
  32: { name: "Acquiring institution id", zh: "受理方标识码", format: "n", kind: "LL", length: 11 },
  35: { name: "Track 2 data", zh: "二磁道数据", format: "z", kind: "LL", length: 37, sensitive: "track" },
  36: { name: "Track 3 data", zh: "三磁道数据", format: "z", kind: "LLL", length: 104, sensitive: "track" },
  37: { name: "Retrieval reference number", zh: "检索参考号", format: "an", kind: "fixed", length: 12 },
  38: { name: "Authorization id response", zh: "授权标识应答码", format: "an", kind: "fixed", length: 6 },
  39: { name: "Response code", zh: "应答码", format: "an", kind: "fixed", length: 2 },
  41: { name: "Card acceptor terminal id", zh: "受卡机终端标识码", format: "ans", kind: "fixed", length: 8 },
  42: { name: "Card acceptor id", zh: "受卡方标识码", format: "ans", kind: "fixed", length: 15 },
  44: { name: "Additional response data", zh: "附加响应数据", format: "ans", kind: "LL", length: 25 },
  48: { name: "Additional data, private", zh: "附加数据-私有", format: "n", kind: "LLL", length: 322 },
  49: { name: "Currency code, transaction", zh: "交易货币代码", format: "an", kind: "fixed", length: 3 },
  52: { name: "PIN data", zh: "个人标识码数据", format: "b", kind: "fixed", length: 8, sensitive: "pin" },
  53: { name: "Security related control info", zh: "安全控制信息", format: "n", kind: "fixed", length: 16 },
  54: { name: "Additional amounts", zh: "附加金额", format: "an", kind: "LLL", length: 20 },
  // 255 in the 2002 spec; newer specs allow 512 and hosts send it, so accept the larger one.
  55: {
    name: "ICC system related data",
    zh: "IC卡数据域",
    format: "b",
    kind: "LLL",
    length: 512,
    sensitive: "emv",
  },
  58: {
    name: "PBOC electronic purse data",
    zh: "PBOC电子钱包标准的交易信息",
    format: "b",
    kind: "LLL",
    length: 100,
  },
  59: {
    name: "Reserved private (location, acquirer TLV)",
    zh: "自定义域",
    format: "ans",
    kind: "LLL",
    length: 999,
  },
  60: {
    name: "Reserved private (txn type, batch, net mgmt)",
    zh: "自定义域",
    format: "n",
    kind: "LLL",
    length: 17,
  },
  61: { name: "Original message data", zh: "原始信息域", format: "n", kind: "LLL", length: 29 },
  62: {
    name: "Reserved private (keys, terminal info)",
    zh: "自定义域",
    format: "b",
    kind: "LLL",
    length: 999,
    sensitive: "key",
  },
  63: {
    name: "Reserved private (operator, card org)",
    zh: "自定义域",
    format: "ans",
    kind: "LLL",
    length: 163,
  },
  // 8 bytes that carry the MAC as 8 ASCII hex characters (reference §1.9).
  64: {
    name: "Message authentication code",
    zh: "报文鉴别码",
    format: "b",
    kind: "fixed",
    length: 8,
    sensitive: "mac",
  },
};

export const cupSpec: MessageSpec = { name: "CUP POS 2002", mti: "bcd", prefix: "bcd", fields };
