/** A slip that cannot be laid out: bad options (unknown e-receipt placeholder, copy index) or bad money. */
export class ReceiptError extends Error {
  override name = "ReceiptError";
  constructor(
    message: string,
    /** The option or record field at fault ("options.eReceipt.urlTemplate", "record.amount"). */
    readonly path?: string,
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}
