import { maskPan } from "../pan-mask.js";
import { type ConsumerPresentedQr, parseCpm } from "./cpm.js";
import { QrError } from "./qr-error.js";

/**
 * What the terminal's scanner read from a customer's phone: a domestic one-time payment code (付款码)
 * or an EMVCo CPM payload. The domestic codes are recognised by length and prefix (emv-research.md
 * §5.2): UnionPay 19 digits starting 62; WeChat Pay 18 digits starting 10–15; Alipay 16–24 digits
 * starting 25–30.
 */
export type WalletScheme = "unionpay" | "wechat" | "alipay";

export interface PaymentCode {
  kind: "payment-code";
  scheme: WalletScheme;
  /** The digits as scanned. A one-time token, but shown masked like a PAN all the same. */
  code: string;
}

export interface EmvCpmCode {
  kind: "emv-cpm";
  qr: ConsumerPresentedQr;
}

export type ScannedCode = PaymentCode | EmvCpmCode;

const RULES: readonly { scheme: WalletScheme; pattern: RegExp }[] = [
  { scheme: "unionpay", pattern: /^62\d{17}$/ },
  { scheme: "wechat", pattern: /^1[0-5]\d{16}$/ },
  { scheme: "alipay", pattern: /^(?:2[5-9]|30)\d{14,22}$/ },
];

/** The scheme of a numeric payment code, or a QrError saying why it is none. */
export function parsePaymentCode(text: string): PaymentCode {
  if (!/^\d+$/.test(text)) {
    const at = text.search(/\D/);
    throw new QrError("payment codes are digits only", { path: "payment code", offset: Math.max(at, 0) });
  }
  for (const rule of RULES) {
    if (rule.pattern.test(text)) return { kind: "payment-code", scheme: rule.scheme, code: text };
  }
  throw new QrError(`${text.length} digits starting ${text.slice(0, 2)} match no wallet's code`, {
    path: "payment code",
    offset: 0,
  });
}

/** A scanned string: digits ⇒ a payment code; otherwise an EMVCo CPM (base64) payload. */
export function parseScannedCode(text: string): ScannedCode {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return parsePaymentCode(trimmed);
  return { kind: "emv-cpm", qr: parseCpm(trimmed) };
}

/** For slips and logs: the code masked 6+4 like a PAN. */
export function maskPaymentCode(code: PaymentCode): string {
  return maskPan(code.code);
}
