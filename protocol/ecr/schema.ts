import { z } from "zod";
import { fenAmount } from "./amount.js";

/**
 * The ECR message bodies, modelled on nexo Retailer (the "terminal API" JSON): PascalCase names as nexo
 * spells them, a subset of its fields, and a few documented extensions (docs/ecr-protocol.md). Unknown
 * keys are ignored so a sale system that sends more of nexo still talks to the terminal; amounts are
 * decimal strings on the wire and integer fen in the typed value (`fenAmount`).
 */

export const ECR_PROTOCOL_VERSION = "3.1";
export const ECR_CATEGORIES = [
  "Login",
  "Logout",
  "Payment",
  "Reversal",
  "TransactionStatus",
  "Abort",
] as const;
export type EcrCategory = (typeof ECR_CATEGORIES)[number];

export const RESULTS = ["Success", "Failure", "Partial"] as const;
export const ERROR_CONDITIONS = [
  "Aborted",
  "Busy",
  "Cancel",
  "InProgress",
  "LoggedOut",
  "MessageFormat",
  "NotAllowed",
  "NotFound",
  "Refusal",
  "UnavailableService",
  "UnreachableHost",
] as const;
export type ErrorCondition = (typeof ERROR_CONDITIONS)[number];

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const timeStamp = z
  .string()
  .regex(ISO_TIME, "must be an ISO 8601 date-time such as 2024-05-01T10:20:30+08:00");
/** Identifiers that end up on the slip (order number) and in logs: printable ASCII, no spaces. */
const identifier = (max: number) =>
  z
    .string()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export const headerSchema = z.object({
  ProtocolVersion: z.string().regex(/^\d{1,2}\.\d{1,2}$/, 'must look like "3.1"'),
  MessageClass: z.literal("Service"),
  MessageCategory: z.enum(ECR_CATEGORIES),
  MessageType: z.enum(["Request", "Response"]),
  /** Unique per request of one sale system; the response carries the same value. */
  ServiceID: identifier(10),
  SaleID: identifier(32),
  POIID: identifier(32),
});
export type EcrWireHeader = z.output<typeof headerSchema>;

const transactionIdentification = z.object({ TransactionID: identifier(32), TimeStamp: timeStamp });
/** The terminal's id of a transaction; TimeStamp optional (a cashier may only have the id from the slip). */
const poiTransactionId = z.object({ TransactionID: identifier(32), TimeStamp: timeStamp.optional() });
export type PoiTransactionId = z.output<typeof poiTransactionId>;

const messageReference = z.object({
  MessageCategory: z.enum(["Payment", "Reversal"]).optional(),
  ServiceID: identifier(10).optional(),
  SaleID: identifier(32).optional(),
});

export const responseSchema = z.object({
  Result: z.enum(RESULTS),
  ErrorCondition: z.enum(ERROR_CONDITIONS).optional(),
  AdditionalResponse: z.string().max(1024).optional(),
});
export type EcrResult = z.output<typeof responseSchema>;

// ---- requests --------------------------------------------------------------------------------------

export const loginRequestSchema = z.object({
  DateTime: timeStamp,
  SaleSoftware: z.object({
    ManufacturerID: z.string().min(1).max(64),
    ApplicationName: z.string().min(1).max(64),
    SoftwareVersion: z.string().min(1).max(32),
  }),
  OperatorID: identifier(16).optional(),
});

export const logoutRequestSchema = z.object({});

export const paymentRequestSchema = z.object({
  SaleData: z.object({ SaleTransactionID: transactionIdentification, OperatorID: identifier(16).optional() }),
  PaymentTransaction: z.object({
    AmountsReq: z.object({
      Currency: z.literal("CNY"),
      RequestedAmount: fenAmount.refine((fen) => fen > 0, "must be more than 0"),
    }),
    /** Refunds: the sale being refunded (its POITransactionID from the sale's response or slip). */
    OriginalPOITransaction: z.object({ POITransactionID: poiTransactionId }).optional(),
  }),
  PaymentData: z.object({ PaymentType: z.enum(["Normal", "Refund"]) }),
});

export const reversalRequestSchema = z.object({
  OriginalPOITransaction: z.object({ POITransactionID: poiTransactionId }),
  ReversalReason: z.enum(["MerchantCancel", "CustCancel", "Malfunction", "Unable2Compl"]).optional(),
});

/** Which transaction to report: by reference, by either transaction id, or (none given) the last one. */
export const transactionStatusRequestSchema = z.object({
  MessageReference: messageReference.optional(),
  SaleTransactionID: z.object({ TransactionID: identifier(32) }).optional(),
  POITransactionID: z.object({ TransactionID: identifier(32) }).optional(),
});

export const abortRequestSchema = z.object({
  MessageReference: messageReference,
  AbortReason: z.string().max(256).optional(),
});

// ---- responses -------------------------------------------------------------------------------------

export const loginResponseSchema = z.object({
  Response: responseSchema,
  POISystemData: z.object({ DateTime: timeStamp }).optional(),
});

export const logoutResponseSchema = z.object({ Response: responseSchema });

const entryMode = z.enum(["MagStripe", "ICC", "Contactless", "Scanned", "Keyed", "Fallback"]);

const outputText = z.object({ Text: z.string().max(256) });
export const paymentReceiptSchema = z.object({
  DocumentQualifier: z.enum(["CashierReceipt", "CustomerReceipt", "BankReceipt"]),
  OutputContent: z.object({ OutputFormat: z.literal("Text"), OutputText: z.array(outputText).max(200) }),
});

export const paymentResponseSchema = z.object({
  Response: responseSchema,
  SaleData: z.object({ SaleTransactionID: transactionIdentification }).optional(),
  POIData: z.object({ POITransactionID: poiTransactionId }).optional(),
  PaymentResult: z
    .object({
      PaymentType: z.enum(["Normal", "Refund"]),
      PaymentInstrumentData: z
        .object({
          PaymentInstrumentType: z.enum(["Card", "Mobile"]),
          CardData: z
            .object({
              MaskedPAN: z.string().regex(/^[0-9]{6}\*{1,9}[0-9]{4}$/, "must be first 6, stars, last 4"),
              EntryMode: z.array(entryMode).min(1).max(2),
              PaymentBrand: z.string().max(16).optional(),
            })
            .optional(),
        })
        .optional(),
      AmountsResp: z.object({ Currency: z.literal("CNY"), AuthorizedAmount: fenAmount }).optional(),
      PaymentAcquirerData: z
        .object({
          AcquirerID: z.string().max(16).optional(),
          MerchantID: z.string().max(16),
          /** The terminal id at the acquirer (field 41). */
          AcquirerPOIID: z.string().max(16),
          ApprovalCode: z.string().max(6).optional(),
          /** TransactionID = the RRN (field 37). */
          AcquirerTransactionID: z
            .object({ TransactionID: z.string().max(12), TimeStamp: timeStamp.optional() })
            .optional(),
          /** Extension: the trace number (field 11) and batch (60.2) the acquirer knows the sale by. */
          TraceNumber: z.string().regex(/^\d{6}$/),
          BatchNumber: z.string().regex(/^\d{6}$/),
          /** Extension: the acquirer's response code (field 39). */
          ResponseCode: z.string().max(2).optional(),
        })
        .optional(),
    })
    .optional(),
  PaymentReceipt: z.array(paymentReceiptSchema).max(3).optional(),
});

export const reversalResponseSchema = z.object({
  Response: responseSchema,
  POIData: z.object({ POITransactionID: poiTransactionId }).optional(),
  OriginalPOITransaction: z.object({ POITransactionID: poiTransactionId }).optional(),
  ReversedAmount: fenAmount.optional(),
  /** Extension: how it was undone: a 0400 reversal (冲正) or a void (撤销). */
  ReversalMethod: z.enum(["Reversal", "Void"]).optional(),
});

export const transactionStatusResponseSchema = z.object({
  Response: responseSchema,
  MessageReference: messageReference.optional(),
  RepeatedMessageResponse: z
    .object({
      MessageHeader: headerSchema,
      RepeatedResponseMessageBody: z.object({
        PaymentResponse: paymentResponseSchema.optional(),
        ReversalResponse: reversalResponseSchema.optional(),
      }),
    })
    .optional(),
});

/** Extension: nexo answers an abort only through the aborted transaction; this terminal also acknowledges it. */
export const abortResponseSchema = z.object({ Response: responseSchema });

export const REQUEST_SCHEMAS = {
  Login: loginRequestSchema,
  Logout: logoutRequestSchema,
  Payment: paymentRequestSchema,
  Reversal: reversalRequestSchema,
  TransactionStatus: transactionStatusRequestSchema,
  Abort: abortRequestSchema,
} as const;

export const RESPONSE_SCHEMAS = {
  Login: loginResponseSchema,
  Logout: logoutResponseSchema,
  Payment: paymentResponseSchema,
  Reversal: reversalResponseSchema,
  TransactionStatus: transactionStatusResponseSchema,
  Abort: abortResponseSchema,
} as const;

export type RequestBodies = { [C in EcrCategory]: z.output<(typeof REQUEST_SCHEMAS)[C]> };
export type ResponseBodies = { [C in EcrCategory]: z.output<(typeof RESPONSE_SCHEMAS)[C]> };
export type PaymentRequestBody = RequestBodies["Payment"];
export type PaymentResponseBody = ResponseBodies["Payment"];
export type ReversalResponseBody = ResponseBodies["Reversal"];
