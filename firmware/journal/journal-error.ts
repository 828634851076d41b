/**
 * A journal refusal: a record or filter field out of its domain, an unknown row, a settlement run in the
 * wrong stage, a journal file written by newer firmware. `field` names what is at fault (a record field
 * such as "stan" or "reversal.reason", a filter key, or a setting such as "user_version").
 */
export class JournalError extends Error {
  override name = "JournalError";
  constructor(
    message: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(field ? `journal ${field}: ${message}` : `journal: ${message}`, options);
  }

  /** The same name the brief uses for configuration-like faults (schema version, clock). */
  get setting(): string | undefined {
    return this.field;
  }
}
