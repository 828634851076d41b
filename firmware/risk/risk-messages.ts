import type { TransactionType } from "../journal/transaction-record.js";
import { formatYuan } from "./yuan.js";

/** Operator messages, Chinese and English, for each risk outcome. Amounts in yuan. */

const y = formatYuan;

const TYPE_NAMES: Record<TransactionType, { zh: string; en: string }> = {
  sale: { zh: "消费", en: "Sale" },
  void: { zh: "消费撤销", en: "Void" },
  refund: { zh: "退货", en: "Refund" },
  preauth: { zh: "预授权", en: "Pre-authorisation" },
  "preauth-void": { zh: "预授权撤销", en: "Pre-authorisation void" },
  "preauth-completion": { zh: "预授权完成", en: "Pre-authorisation completion" },
  "preauth-completion-advice": { zh: "预授权完成通知", en: "Pre-authorisation completion advice" },
  "preauth-completion-void": { zh: "预授权完成撤销", en: "Pre-authorisation completion void" },
  balance: { zh: "余额查询", en: "Balance inquiry" },
};

export const riskMessages = {
  zeroAmount: (amount: number) => ({
    zh: `金额无效（${y(amount)} 元），请输入大于 0.00 元的金额`,
    en: `Invalid amount (CNY ${y(amount)}): enter an amount above CNY 0.00`,
  }),
  featureDisabled: (type: TransactionType) => ({
    zh: `本终端未开通${TYPE_NAMES[type].zh}功能，请联系收单机构`,
    en: `${TYPE_NAMES[type].en} is not enabled on this terminal; contact the acquirer`,
  }),
  overTransactionLimit: (amount: number, limit: number) => ({
    zh: `超过单笔限额：本笔 ${y(amount)} 元，单笔限额 ${y(limit)} 元`,
    en: `Over the per-transaction limit: CNY ${y(amount)}, limit CNY ${y(limit)}`,
  }),
  overDailyLimit: (amount: number, today: number, limit: number) => ({
    zh: `超过当日累计限额：今日已成交 ${y(today)} 元，本笔 ${y(amount)} 元，当日限额 ${y(limit)} 元（剩余 ${y(Math.max(0, limit - today))} 元）`,
    en: `Over the daily limit: CNY ${y(today)} approved today, this one CNY ${y(amount)}, daily limit CNY ${y(limit)} (CNY ${y(Math.max(0, limit - today))} left)`,
  }),
  velocity: (count: number, max: number, minutes: number) => ({
    zh: `该卡交易过于频繁：${minutes} 分钟内已成功 ${count} 笔（上限 ${max} 笔），请稍后再试`,
    en: `Too many transactions on this card: ${count} approved in ${minutes} min (limit ${max}); try again later`,
  }),
  largeAmount: (amount: number, threshold: number) => ({
    zh: `大额交易：本笔 ${y(amount)} 元（${y(threshold)} 元起需确认），请核对金额后按确认键`,
    en: `Large amount: CNY ${y(amount)} (confirmation from CNY ${y(threshold)}); check the amount and press Enter`,
  }),
};
