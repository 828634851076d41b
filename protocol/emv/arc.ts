import { EmvDataError } from "./emv-error.js";

/** Authorisation response codes the terminal generates itself (Book 4 §6.3.6 / Annex A). */
export const TERMINAL_ARC = {
  offlineApproved: "Y1",
  offlineDeclined: "Z1",
  unableToGoOnlineApproved: "Y3",
  unableToGoOnlineDeclined: "Z3",
} as const;

/**
 * Field 39 → 8A: the two characters as ASCII ("00" → 3030). The host's code is passed through
 * unchanged, as the card's CDOL2 expects it.
 */
export function arcFromField39(field39: string): Buffer {
  if (!/^[0-9A-Za-z]{2}$/.test(field39)) {
    throw new EmvDataError(`field 39 ${JSON.stringify(field39)} is not two alphanumerics`, {
      path: "field 39",
    });
  }
  return Buffer.from(field39, "latin1");
}

/** The terminal's own ARC, as an 8A value. */
export function terminalArc(code: keyof typeof TERMINAL_ARC): Buffer {
  return Buffer.from(TERMINAL_ARC[code], "latin1");
}

/** Codes the CUP dialect treats as approval (00, 10 partial, 11 VIP, LiaoYang's A2/A4/A5/A6). */
const APPROVED = new Set(["00", "10", "11", "A2", "A4", "A5", "A6"]);
const REFERRAL = new Set(["01", "02"]);

export type HostDecision = "approved" | "referral" | "declined";

/** What the host's field 39 means for the second GENERATE AC: approved ⇒ ask TC, else AAC. */
export function hostDecision(field39: string): HostDecision {
  arcFromField39(field39);
  const code = field39.toUpperCase();
  if (APPROVED.has(code)) return "approved";
  if (REFERRAL.has(code)) return "referral";
  return "declined";
}
