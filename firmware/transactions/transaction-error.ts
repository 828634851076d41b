/** A flow ended without a host answer to show: the operator sees `zh` / `en`. */
export class TransactionError extends Error {
  constructor(
    readonly code:
      | "no-keys"
      | "link"
      | "reversal-pending"
      | "settlement-pending"
      | "card"
      | "pin"
      | "original"
      | "cancelled"
      | "refused",
    readonly zh: string,
    readonly en: string,
    options?: { cause?: unknown },
  ) {
    super(en, options);
    this.name = "TransactionError";
  }
}
