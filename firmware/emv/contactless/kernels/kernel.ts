import type { CapkStore } from "../../../../protocol/emv/index.js";
import type { TlvNode } from "../../../../protocol/tlv/index.js";
import type { Combination, PreProcessingIndicators } from "../entry-point/combination.js";
import type { OutcomeParameterSet } from "../outcome.js";
import type { CardSession } from "./card-session.js";

/** The transaction as the terminal starts it. Amounts are integer fen. */
export interface ContactlessTransaction {
  amount: number;
  otherAmount?: number;
  /** 9C transaction type: 0x00 goods and services, 0x31 balance inquiry… */
  type: number;
}

/** Terminal data the kernels put in PDOL / CDOL data and field 55 (from firmware/emv/shared/terminal-config). */
export interface ContactlessTerminal {
  /** 9F1A, 2 bytes BCD (0156). */
  countryCode: Buffer;
  /** 5F2A, 2 bytes BCD (0156). */
  currencyCode: Buffer;
  /** 9F33. */
  terminalCapabilities: Buffer;
  /** 9F40. */
  additionalCapabilities: Buffer;
  /** 9F35 as a byte (0x22). */
  terminalType: number;
  /** 9F1E, 8 ASCII characters. */
  ifdSerialNumber: string;
  /** Terminal can go online (for zero-amount / status check decisions and offline-only readers). */
  onlineCapable: boolean;
}

/** What every kernel gets at construction: the terminal, its keys, and the injected clock and RNG. */
export interface KernelDependencies {
  terminal: ContactlessTerminal;
  capks: CapkStore;
  /** Transaction date/time source (9A, 9F21, certificate expiry checks). */
  clock: () => Date;
  /** Unpredictable number source: returns `n` fresh bytes (9F37 is 4). */
  unpredictableNumber: (n: number) => Buffer;
  /** Monotonic milliseconds for the timing record; performance.now by default. */
  timer?: () => number;
  /** Called the moment the last card command completes: beep, green LED, "card read OK" (Book A). */
  onCardRead?: () => void;
  /** Exception file (hot list) check on the PAN digits; true ⇒ decline offline. */
  isOnExceptionFile?: (pan: Buffer) => boolean;
}

/** What the entry point hands a kernel on activation. */
export interface KernelActivation {
  /** The entry point's session: the card-in-field clock started at SELECT PPSE. */
  session: CardSession;
  combination: Combination;
  indicators: PreProcessingIndicators;
  /** DF name of the selected application (84 of the FCI, else the AID selected). */
  dfName: Buffer;
  /** The final SELECT's FCI, decoded. */
  fci: TlvNode[];
  transaction: ContactlessTransaction;
}

export type CryptogramType = "AAC" | "TC" | "ARQC";

/** Terminal-side time split (ms): card in the field vs work after the card may leave. */
export interface KernelTimings {
  /** First APDU sent (SELECT PPSE) → last response received. */
  cardInFieldMs: number;
  /** Offline data authentication after card interaction, per RSA step. */
  oda?: { issuerKeyMs: number; iccKeyMs: number; signatureMs: number };
  /** Everything after the last APDU (ODA, decisions, field 55). */
  afterCardMs: number;
}

/** The kernel's record of the transaction (journal, slip, field 55). */
export interface ContactlessRecord {
  kernelId: number;
  aid: Buffer;
  cryptogramType?: CryptogramType;
  /** Application PAN (5A, cn F-padded) — a Buffer, never a string; `maskedPan` is for display. */
  pan?: Buffer;
  maskedPan?: string;
  /** 5F34. */
  panSequenceNumber?: Buffer;
  /** 57 track 2 equivalent (sensitive). */
  track2?: Buffer;
  /** TVR (95) as the kernel left it. */
  tvr: Buffer;
  oda: "not-performed" | "succeeded" | "failed";
  /** Field 55 of the online request (UnionPay dialect tag set), for online outcomes and TC upload. */
  field55?: Buffer;
  /** E-cash / offline spending balance (9F5D), minor units. */
  balance?: number;
  timings: KernelTimings;
}

export interface KernelOutcome extends OutcomeParameterSet {
  record?: ContactlessRecord;
}

export interface Kernel {
  readonly id: number;
  readonly name: string;
  activate(activation: KernelActivation): Promise<KernelOutcome>;
}
