/**
 * Why the contact kernel stopped. `end-application` reasons are chip answers the kernel cannot go on
 * with (Book 3 "terminate the transaction"); `card-not-responding` is the one case where the chip did
 * not answer at all and the terminal may fall back to the magnetic stripe.
 */
export type TerminationReason =
  | "card-blocked"
  | "no-supported-application"
  | "cardholder-cancelled"
  | "malformed-card-data"
  | "missing-mandatory-data"
  | "redundant-card-data"
  | "gpo-failed"
  | "read-record-failed"
  | "generate-ac-failed"
  | "card-not-responding";

export class KernelTerminated extends Error {
  override name = "KernelTerminated";
  constructor(
    readonly reason: TerminationReason,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${reason}: ${message}`, options);
  }
}

/** The channel threw (mute card, card pulled, reader fault): the chip never answered this command. */
export class CardNotResponding extends KernelTerminated {
  override name = "CardNotResponding";
  constructor(command: string, cause: unknown) {
    super("card-not-responding", `no answer to ${command}`, { cause });
  }
}
