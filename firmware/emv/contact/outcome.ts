import type { CryptogramType } from "./apdu-commands.js";
import type { Candidate } from "./candidate-list.js";
import type { CvmPerformed } from "./cardholder-verification.js";
import type { TerminationReason } from "./kernel-error.js";

/** The card's cryptogram as the terminal journals and prints it. */
export interface CryptogramInfo {
  type: CryptogramType;
  /** 9F27. */
  cid: number;
  /** 9F36. */
  atc: Buffer;
  /** 9F26 (TC/ARQC/AAC). */
  cryptogram: Buffer;
  /** 9F10, when the card gave one. */
  issuerApplicationData?: Buffer;
}

/** What every outcome after application selection carries. */
export interface KernelSummary {
  tvr: Buffer;
  tsi: Buffer;
  cvm: CvmPerformed;
  /** CVM results 9F34. */
  cvmResults: Buffer;
  signatureRequired: boolean;
  /** Online PIN block from the PIN pad (field 52) and its DUKPT KSN, when online PIN was the CVM. */
  pinBlock?: Buffer;
  ksn?: Buffer;
  /** PAN (5A, BCD, F-padded) — sensitive: kept in a Buffer, never logged; `maskedPan` for display. */
  pan: Buffer;
  maskedPan: string;
  panSequenceNumber?: Buffer;
  /** Track 2 equivalent data 57 (field 35) — sensitive. */
  track2Equivalent?: Buffer;
  /** Application expiration date 5F24 (YYMMDD). */
  expiry: Buffer;
  /** DF name of the selected application (84/9F06 on the slip). */
  aid: Buffer;
  application: Candidate;
  cryptogram?: CryptogramInfo;
  /** Every data object of the transaction (terminal, card, FCI, TVR/TSI) for journal and field 55 builders. */
  data: ReadonlyMap<string, Buffer>;
}

/** Issuer response as the terminal hands it to `complete`. */
export interface HostResponse {
  /** Field 39. */
  responseCode: string;
  /** Response field 55 (91, 71, 72, 8A). */
  field55?: Buffer;
}

export type CompletionKind = "approved" | "declined" | "approved-by-host-declined-by-card";

export interface CompletionOutcome extends Omit<KernelSummary, "application"> {
  kind: CompletionKind;
  /** "approved-by-host-declined-by-card" ⇒ the terminal sends a reversal with this field 60/39 reason. */
  reversalReason?: "06";
  /** Issuer authentication: performed by EXTERNAL AUTHENTICATE and its result. */
  issuerAuthentication: "not-performed" | "successful" | "failed";
  /** Issuer script results, 5 bytes each, concatenated (DF31 / 9F5B); empty when no script ran. */
  scriptResults: Buffer;
  /** Field 55 for what the terminal must send next: TC upload when approved, reversal set when reversing. */
  field55?: Buffer;
  /** Field 55 of the script result notification (0620), when scripts ran. */
  scriptResultField55?: Buffer;
  /** The transaction was completed offline because the host could not be reached (8A Y3 / Z3). */
  unableToGoOnline: boolean;
}

export type ContactOutcome =
  | (KernelSummary & { kind: "approved-offline"; field55: Buffer })
  | (KernelSummary & { kind: "declined-offline"; field55?: Buffer })
  | (KernelSummary & {
      kind: "online-request";
      /** UnionPay request tag set for 0200/0100 field 55. */
      field55: Buffer;
      /** Continue with the issuer's answer: issuer authentication, scripts, second GENERATE AC. */
      complete(host: HostResponse): Promise<CompletionOutcome>;
      /** The host could not be reached: default action analysis, second GENERATE AC with 8A Y3/Z3. */
      unableToGoOnline(): Promise<CompletionOutcome>;
    })
  | { kind: "end-application"; reason: TerminationReason; message: string; tvr: Buffer; tsi: Buffer }
  | { kind: "fallback-to-magstripe"; reason: "card-not-responding"; message: string };
