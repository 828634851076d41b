import type { TransactionRecord } from "../journal/transaction-record.js";
import { ReceiptError } from "./receipt-error.js";

/** What the merchant's configuration says about slips (the config file's `receipt` section). */
export interface ReceiptOptions {
  /** 商户名称 as printed (≤ 40 characters by JR/T 0001; longer names wrap). */
  merchantName: string;
  merchantNameEn?: string;
  /** 32 on 58 mm paper, 48 on 80 mm. */
  columns: 32 | 48;
  /** Copies per transaction slip: 1 merchant; 2 + cardholder; 3 + bank. */
  copies: 1 | 2 | 3;
  headerLines?: string[];
  footerLines?: string[];
  /**
   * A QR code of the e-receipt on every slip. Placeholders: {terminalId} {merchantId} {batch} {stan}
   * {rrn} {orderId} {id} (journal id); each value is URL-encoded. No placeholder gives card data.
   */
  eReceipt?: { urlTemplate: string };
  /** English beside the Chinese labels (default true, as UnionPay slips do). */
  showEnglish?: boolean;
  /** 收单机构 name printed beside the acquirer code. */
  acquirerName?: string;
  /** Local time of the slip's dates when the host sent none: minutes east of UTC (default 480, Beijing). */
  utcOffsetMinutes?: number;
}

const PLACEHOLDERS = ["terminalId", "merchantId", "batch", "stan", "rrn", "orderId", "id"] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

/** Boot-time check of the options, so a typo fails at config load rather than on the first slip. */
export function validateReceiptOptions(options: ReceiptOptions): void {
  if (options.columns !== 32 && options.columns !== 48) {
    throw new ReceiptError(`must be 32 or 48, got ${String(options.columns)}`, "options.columns");
  }
  if (options.copies !== 1 && options.copies !== 2 && options.copies !== 3) {
    throw new ReceiptError(`must be 1, 2 or 3, got ${String(options.copies)}`, "options.copies");
  }
  if (options.merchantName.trim() === "") throw new ReceiptError("is empty", "options.merchantName");
  const offset = options.utcOffsetMinutes;
  if (offset !== undefined && (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60)) {
    throw new ReceiptError(`${offset} is not a UTC offset in minutes`, "options.utcOffsetMinutes");
  }
  if (options.eReceipt) placeholdersOf(options.eReceipt.urlTemplate);
}

function placeholdersOf(template: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of template.matchAll(/\{([^}]*)\}/g)) {
    const name = match[1]!;
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new ReceiptError(
        `unknown placeholder {${name}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(" ")})`,
        "options.eReceipt.urlTemplate",
      );
    }
    found.push(name as Placeholder);
  }
  return found;
}

/** The e-receipt URL of a transaction from the template. */
export function eReceiptUrl(template: string, record: TransactionRecord): string {
  placeholdersOf(template);
  const values: Record<Placeholder, string> = {
    terminalId: record.terminalId,
    merchantId: record.merchantId,
    batch: record.batch,
    stan: record.stan,
    rrn: record.rrn ?? "",
    orderId: record.orderId ?? "",
    id: String(record.id),
  };
  return template.replace(/\{([^}]*)\}/g, (_, name: Placeholder) => encodeURIComponent(values[name]));
}
