/**
 * Device-level printer faults as data (device-protocols.md §11), on top of the link faults of
 * `withFaults`. The emulator reads the plan at every step, so a test may also change it mid-run.
 */
export interface PrinterFaultPlan {
  /** The near-end sensor reports low paper (printing continues). */
  paperNearEnd?: boolean;
  /** The roll runs out once this many lines have been printed since attach (once; loadPaper() refills). */
  paperOutAfterLines?: number;
  /** The cover is open from the start. */
  coverOpen?: boolean;
  /** Someone opens the cover once this many lines have been printed since attach (once). */
  coverOpenAfterLines?: number;
  /** The Nth cut since attach (1-based) jams the autocutter: no cut, cutter error until cleared. */
  cutterErrorAtCut?: number;
  /** The printer is offline (e.g. an error switch), without a further cause. */
  offline?: boolean;
  /** DLE EOT requests get no answer (as a printer stuck inside a multi-byte command). */
  noStatusReply?: boolean;
  /** Slow drain: each received chunk is processed this long after it arrives, in order. */
  drainDelayMs?: number;
}
