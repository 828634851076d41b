/** A TMS download that could not be completed or was refused; zh / en are the operator's message. */
export class TmsDownloadError extends Error {
  override name = "TmsDownloadError";

  constructor(
    message: string,
    readonly zh: string,
    readonly en: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
