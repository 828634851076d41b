/** The contact EMV kernel (Books 1–4, PBOC 3.0 debit/credit): one file per Book 3 step, run by contact-kernel.ts. */
export { type CryptogramType, PSE_NAME } from "./apdu-commands.js";
export { buildCandidateList, type Candidate, matchTerminalAid, sortCandidates } from "./candidate-list.js";
export { type CvmOutcome, type CvmPerformed, cardholderVerification } from "./cardholder-verification.js";
export { type ContactKernelDependencies, runContactTransaction } from "./contact-kernel.js";
export { type ChooseApplication, chooseCandidate, selectApplication } from "./final-selection.js";
export { CardNotResponding, KernelTerminated, type TerminationReason } from "./kernel-error.js";
export type { RevocationCheck } from "./offline-data-authentication.js";
export type {
  CompletionKind,
  CompletionOutcome,
  ContactOutcome,
  CryptogramInfo,
  HostResponse,
  KernelSummary,
} from "./outcome.js";
export { type OfflinePinEntry, type OnlinePinResult, type PinEntry, plaintextPinBlock } from "./pin-entry.js";
export { terminalOnlineCapability } from "./terminal-action-analysis.js";
export { randomlySelected } from "./terminal-risk-management.js";
export {
  cryptoRandom,
  type RandomSource,
  type ServiceKind,
  type TransactionInput,
} from "./transaction-input.js";
