/** A reconciliation request that cannot be answered: a bad scope (batch, day), an unknown format or kind. */
export class ReportError extends Error {
  override name = "ReportError";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(field ? `report ${field}: ${message}` : `report: ${message}`);
  }
}
