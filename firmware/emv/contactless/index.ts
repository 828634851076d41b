/** Contactless: Book A/B entry point, qPBOC (C-7), qVSDC (C-3) and an M/Chip-style (C-2) kernel. */
export {
  type Combination,
  combinationKey,
  defaultKernelId,
  type PreProcessingIndicators,
} from "./entry-point/combination.js";
export { combinationsFromConfig } from "./entry-point/combinations-from-config.js";
export { EntryPoint, type EntryPointOptions } from "./entry-point/entry-point.js";
export {
  buildCandidates,
  type Candidate,
  type DirectoryEntry,
  parsePpse,
  SELECT_PPSE,
  selectAidCommand,
} from "./entry-point/ppse.js";
export {
  onlineCryptogramRequired,
  type PreProcessingInput,
  type PreProcessingResult,
  preProcess,
} from "./entry-point/pre-processing.js";
export { CardGoneError, CardSession, KernelDataError } from "./kernels/card-session.js";
export type {
  ContactlessRecord,
  ContactlessTerminal,
  ContactlessTransaction,
  CryptogramType,
  Kernel,
  KernelActivation,
  KernelDependencies,
  KernelOutcome,
  KernelTimings,
} from "./kernels/kernel.js";
export { createMchipKernel, MchipKernel, type MchipOptions } from "./kernels/mchip.js";
export { createQpbocKernel } from "./kernels/qpboc.js";
export { cryptogramType, QuickKernel, type QuickKernelProfile } from "./kernels/quick-kernel.js";
export { createQvsdcKernel } from "./kernels/qvsdc.js";
export {
  endApplication,
  type OutcomeCvm,
  type OutcomeKind,
  type OutcomeParameterSet,
  outcome,
  type StartPoint,
  tryAgain,
  tryAnotherInterface,
  type UiMessage,
  type UiRequest,
  type UiStatus,
} from "./outcome.js";
