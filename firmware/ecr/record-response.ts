import type { ResponseBodies } from "../../protocol/ecr/index.js";
import { responseCode } from "../../protocol/iso8583/cup/response-codes.js";
import type { StoredReceipt } from "../journal/journal.js";
import type { EntryMode, TransactionRecord } from "../journal/transaction-record.js";
import { poiTransactionId } from "./poi-transaction-id.js";

type PaymentResponse = ResponseBodies["Payment"];
type EntryModes = NonNullable<
  NonNullable<NonNullable<PaymentResponse["PaymentResult"]>["PaymentInstrumentData"]>["CardData"]
>["EntryMode"];

const ENTRY_MODES: Readonly<Record<EntryMode, EntryModes>> = {
  swipe: ["MagStripe"],
  insert: ["ICC"],
  tap: ["Contactless"],
  qr: ["Scanned"],
  manual: ["Keyed"],
  fallback: ["MagStripe", "Fallback"],
};

const DOCUMENTS = { merchant: "CashierReceipt", cardholder: "CustomerReceipt", bank: "BankReceipt" } as const;

/** The host's answer as the cashier reads it: "05 Do not honour". */
function hostText(code: string | undefined): string | undefined {
  return code === undefined ? undefined : `${code} ${responseCode(code).en}`;
}

/** Journal status → the ECR Response: what the sale system must do with the sale. */
function responseOf(record: TransactionRecord): PaymentResponse["Response"] {
  switch (record.status) {
    case "approved":
      return { Result: "Success" };
    case "voided":
      return { Result: "Success", AdditionalResponse: "approved, later voided" };
    case "reversed":
      // Reason 06 is the sale system's own ReversalRequest; the others undo a sale the host left unknown.
      return record.reversal?.reason === "06"
        ? { Result: "Success", AdditionalResponse: "approved, later reversed at the sale system's request" }
        : {
            Result: "Failure",
            ErrorCondition: "UnreachableHost",
            AdditionalResponse: `no valid host answer: reversed (${record.reversal?.reason ?? "--"})`,
          };
    case "declined":
      return {
        Result: "Failure",
        ErrorCondition: "Refusal",
        AdditionalResponse: hostText(record.responseCode),
      };
    case "pending":
      return { Result: "Failure", ErrorCondition: "InProgress", AdditionalResponse: "outcome not known yet" };
    default:
      return {
        Result: "Failure",
        ErrorCondition: "UnreachableHost",
        AdditionalResponse: "not sent to the host",
      };
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A journal row (and its stored slips) as an ECR PaymentResponse: what a live transaction answers and
 * what TransactionStatus repeats after a restart, from the same data. Never the clear PAN: the journal
 * has only the masked one.
 */
export function paymentResponseFromRecord(
  record: TransactionRecord,
  receipts: readonly StoredReceipt[],
  sale?: { TransactionID: string; TimeStamp: string },
): PaymentResponse {
  const response = withoutUndefined(responseOf(record));
  const saleId =
    sale ?? (record.orderId ? { TransactionID: record.orderId, TimeStamp: record.createdAt } : undefined);
  const masked = record.maskedPan;
  return {
    Response: response,
    ...(saleId ? { SaleData: { SaleTransactionID: saleId } } : {}),
    POIData: {
      POITransactionID: {
        TransactionID: poiTransactionId(record.batch, record.stan),
        TimeStamp: record.createdAt,
      },
    },
    PaymentResult: {
      PaymentType: record.type === "refund" ? "Refund" : "Normal",
      PaymentInstrumentData: {
        PaymentInstrumentType: record.entryMode === "qr" ? "Mobile" : "Card",
        ...(masked && /^[0-9]{6}\*{1,9}[0-9]{4}$/.test(masked)
          ? {
              CardData: withoutUndefined({
                MaskedPAN: masked,
                EntryMode: ENTRY_MODES[record.entryMode],
                PaymentBrand: record.cardOrg,
              }),
            }
          : {}),
      },
      ...(record.status === "approved" || record.status === "voided" || record.reversal?.reason === "06"
        ? { AmountsResp: { Currency: "CNY" as const, AuthorizedAmount: record.amount } }
        : {}),
      PaymentAcquirerData: withoutUndefined({
        AcquirerID: record.acquirerCode,
        MerchantID: record.merchantId,
        AcquirerPOIID: record.terminalId,
        ApprovalCode: record.authCode,
        // The host's date/time (fields 12/13) has no year or zone: the RRN alone identifies it.
        AcquirerTransactionID: record.rrn ? { TransactionID: record.rrn } : undefined,
        TraceNumber: record.stan,
        BatchNumber: record.batch,
        ResponseCode: record.responseCode,
      }),
    },
    ...(receipts.length > 0
      ? {
          PaymentReceipt: receipts.slice(0, 3).map((receipt) => ({
            DocumentQualifier: DOCUMENTS[receipt.copy],
            OutputContent: {
              OutputFormat: "Text" as const,
              OutputText: receipt.text
                .split("\n")
                .slice(0, 200)
                .map((line) => ({ Text: line.slice(0, 256) })),
            },
          })),
        }
      : {}),
  };
}
