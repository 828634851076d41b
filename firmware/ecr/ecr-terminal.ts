import type { RequestBodies, ResponseBodies } from "../../protocol/ecr/index.js";

/** Where a running ECR transaction is: only a transaction still waiting for the card can be aborted. */
export type EcrStage = "starting" | "waiting-card" | "online" | "printing";

export interface EcrControl {
  /** Aborted by an AbortRequest (or the card timeout): cancels the wait for the card, nothing later. */
  signal: AbortSignal;
  onStage(stage: EcrStage): void;
}

/** A finished transaction looked up in durable storage (the journal) when memory no longer has it. */
export type EcrLookup = { saleTransactionId: string } | { poiTransactionId: string } | { last: true };

export interface EcrRecoveredResult {
  /** The sale system's TransactionID the terminal kept with the transaction (journal orderId). */
  saleTransactionId?: string;
  body: ResponseBodies["Payment"];
}

/**
 * What the ECR server needs from the terminal, and nothing more: the terminal application implements it
 * (tools/ecr/terminal-adapter.ts over TerminalApp), tests can fake it. Each call answers with the protocol
 * body; failures the cashier should see are answers (Result Failure), not exceptions.
 */
export interface EcrTerminal {
  /** The terminal's POIID in ECR headers (its terminal id). */
  readonly poiId: string;
  /** A sale (PaymentType Normal) or a refund: wait for the card, go online, print the slip. */
  payment(request: RequestBodies["Payment"], control: EcrControl): Promise<ResponseBodies["Payment"]>;
  /** Undo an approved transaction of this batch. */
  reversal(request: RequestBodies["Reversal"], control: EcrControl): Promise<ResponseBodies["Reversal"]>;
  /** A finished payment from the journal (after a restart, or once memory has dropped it). */
  find(lookup: EcrLookup): EcrRecoveredResult | undefined;
}
