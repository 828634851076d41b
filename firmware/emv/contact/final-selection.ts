import type { ApduChannel } from "../shared/apdu-channel.js";
import { Sw } from "../shared/apdu-channel.js";
import { selectCommand } from "./apdu-commands.js";
import type { Candidate } from "./candidate-list.js";
import { exchange } from "./card-io.js";
import { type Fci, parseFci } from "./fci.js";
import { KernelTerminated } from "./kernel-error.js";

/**
 * The terminal's application chooser: gets the candidates in priority order and returns the one the
 * cardholder picked, or undefined when they cancelled. Only called when a choice or a confirmation is
 * needed (Book 1 §12.4).
 */
export type ChooseApplication = (candidates: readonly Candidate[]) => Promise<Candidate | undefined>;

/** Picks the application: silently when one needs no confirmation, else through `choose`. */
export async function chooseCandidate(
  candidates: readonly Candidate[],
  supportsConfirmation: boolean,
  choose: ChooseApplication | undefined,
): Promise<Candidate> {
  // A terminal that cannot ask the cardholder must drop applications that require confirmation.
  const usable =
    supportsConfirmation && choose ? [...candidates] : candidates.filter((c) => !c.confirmationRequired);
  if (usable.length === 0) throw new KernelTerminated("no-supported-application", "candidate list is empty");
  const only = usable[0]!;
  if (usable.length === 1 && !only.confirmationRequired) return only;
  if (!choose || !supportsConfirmation) return only;
  const picked = await choose(usable);
  if (!picked) throw new KernelTerminated("cardholder-cancelled", "no application chosen");
  if (!usable.includes(picked))
    throw new KernelTerminated("cardholder-cancelled", "chosen application is not a candidate");
  return picked;
}

/**
 * Final SELECT of the chosen ADF. Returns the FCI, or undefined when the application cannot be used
 * (blocked 6283, any other status, DF name mismatch) so the caller removes it and re-offers the rest.
 */
export async function selectApplication(
  channel: ApduChannel,
  candidate: Candidate,
  signal?: AbortSignal,
): Promise<Fci | undefined> {
  const answer = await exchange(channel, selectCommand(candidate.dfName), "SELECT application", signal);
  if (answer.sw === Sw.functionNotSupported) {
    throw new KernelTerminated("card-blocked", "final SELECT answered 6A81");
  }
  if (answer.sw !== Sw.ok) return undefined;
  const fci = parseFci(answer.data);
  if (!fci?.dfName.equals(candidate.dfName)) return undefined;
  return fci;
}
