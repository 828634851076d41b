import type { TransactionRecord } from "../../../firmware/journal/transaction-record.js";
import type { ReceiptOptions } from "../../../firmware/receipts/index.js";

/** A sale by insert, approved, with the fields a CUP slip prints. Sample data only. */
export function saleRecord(overrides: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    id: 42,
    stan: "000456",
    batch: "000123",
    type: "sale",
    entryMode: "insert",
    amount: 12850,
    tip: 0,
    currency: "156",
    terminalId: "10000123",
    merchantId: "898310058120001",
    operator: "01",
    maskedPan: "622848******1234",
    panLast4: "1234",
    cardOrg: "CUP",
    cardKind: "debit",
    domestic: true,
    expiry: "2812",
    status: "approved",
    settlement: "unsettled",
    responseCode: "00",
    rrn: "240615123456",
    authCode: "A1B2C3",
    hostDate: "0615",
    hostTime: "123456",
    issuerCode: "01030000",
    acquirerCode: "48480000",
    advice: "none",
    uploaded: false,
    copiesPrinted: 0,
    signatureRequired: true,
    createdAt: "2024-06-15T04:34:50.000Z",
    updatedAt: "2024-06-15T04:34:58.000Z",
    ...overrides,
  };
}

export const options32: ReceiptOptions = {
  merchantName: "上海浦东示例便利店",
  merchantNameEn: "PUDONG SAMPLE STORE",
  columns: 32,
  copies: 2,
};

export const options48: ReceiptOptions = { ...options32, columns: 48 };
