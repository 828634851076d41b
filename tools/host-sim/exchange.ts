import type { RandomSource } from "../../protocol/crypto/pinblock/random.js";
import type { CupFrame } from "../../protocol/iso8583/cup/frame.js";
import type { Iso8583Message } from "../../protocol/iso8583/spec.js";
import type { Field60 } from "../../protocol/iso8583/subfields/field60.js";
import type { CardAccount, CardBook } from "./cards.js";
import type { MerchantEntry, SimTransaction } from "./config.js";
import type { InstantSettlements } from "./instant-settlement.js";
import type { Ledger, LedgerRecord } from "./ledger.js";
import type { TerminalRegistry, TerminalState } from "./terminals.js";
import type { TxLog } from "./tx-log.js";

/** Resolved settings the handlers read (config with defaults applied). */
export interface HostSettings {
  mac: "pos-ecb" | "x9.19";
  macResponses: boolean;
  acquirerId: string;
  issuerId: string;
  completionTolerance: number;
  merchants: ReadonlyMap<string, MerchantEntry>;
}

/** Everything a handler may use. No sockets: handlers turn a request into a reply. */
export interface HostContext {
  settings: HostSettings;
  cards: CardBook;
  ledger: Ledger;
  instant: InstantSettlements;
  terminals: TerminalRegistry;
  log: TxLog;
  clock: () => Date;
  random: RandomSource;
  nextRrn(): string;
  nextAuthCode(): string;
  /** Batch uploads seen, for the ledger JSON. */
  uploads: BatchUploadEntry[];
}

/** One 0320 as the ledger JSON shows it. */
export interface BatchUploadEntry {
  time: string;
  terminalId: string;
  merchantId: string;
  batch: string;
  netMgmtCode: string;
  /** Records (201) or single IC uploads (203–206); END messages carry `endCount`. */
  records: { stan: string; pan: string; amount: number; matched: boolean }[];
  endCount?: number;
}

/** A request the host has parsed and placed: the frame, what it is, whose it is. */
export interface Exchange {
  /** As received: 35/36 may still be TDK-enciphered there. */
  frame: CupFrame;
  /** The request with 35/36 in clear (track-decryption.ts); handlers read these. */
  message: Iso8583Message;
  fields: Record<number, string>;
  mti: string;
  transaction: SimTransaction | undefined;
  f60: Field60 | undefined;
  terminal: TerminalState;
  stan: string;
  /** 60.2, or the terminal's current batch when absent. */
  batch: string;
  pan: string | undefined;
  amount: number | undefined;
  card: CardAccount | undefined;
}

/** A handler's answer: field 39 and the host-set fields on top of the echoed ones. */
export interface Reply {
  responseCode: string;
  fields: Record<number, string>;
  ledger?: LedgerRecord;
  note?: string;
}

export function reply(responseCode: string, fields: Record<number, string> = {}, note?: string): Reply {
  return note === undefined ? { responseCode, fields } : { responseCode, fields, note };
}

/** YYYYMMDD of the host clock, for daily limits. */
export function dayOf(date: Date): string {
  return `${date.getFullYear()}${String(date.getMonth() + 1).padStart(2, "0")}${String(date.getDate()).padStart(2, "0")}`;
}
