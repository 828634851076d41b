/**
 * The contactless reader as the firmware sees it (device-protocols.md §10.1): domain values only,
 * whatever chip sits underneath. The EMV kernel polls, exchanges APDUs and checks presence; it never
 * sees PN532 frames.
 */

/** An ISO 14443-A card in the field (every UnionPay QuickPass card and most others). */
export interface CardDetectedA {
  type: "A";
  /** NFCID1: 4, 7 or 10 bytes. */
  uid: Buffer;
  /** ATQA (SENS_RES) as on the wire. */
  atqa: Buffer;
  /** SAK (SEL_RES); bit 0x20 = ISO 14443-4. */
  sak: number;
  /** Full ATS (TL first); absent for cards that are not ISO 14443-4. */
  ats?: Buffer;
}

/** An ISO 14443-B card. */
export interface CardDetectedB {
  type: "B";
  /** PUPI from the ATQB. */
  uid: Buffer;
  atqb: Buffer;
  attribRes: Buffer;
}

export type CardDetected = CardDetectedA | CardDetectedB;

/** No card answered within the poll's time (the typed "no card"). */
export interface NoCard {
  type: "none";
}

/** More than one card answered: EMV asks the cardholder to present one card only. */
export interface CardCollision {
  type: "collision";
  cards: number;
}

export type PollResult = CardDetected | NoCard | CardCollision;

/** A response APDU: data and the status word (0x9000 = success). */
export interface ApduResponse {
  data: Buffer;
  sw: number;
}

export interface ReaderInfo {
  /** "PN532 v1.6" and the like, for the self-test and the log. */
  model: string;
  supportsTypeB: boolean;
}

export interface PollOptions {
  signal?: AbortSignal;
  /** How long to look for a card before answering "none". */
  timeoutMs: number;
}

export interface ContactlessReader {
  /** Opens the link and brings the reader to a known state. */
  open(): Promise<ReaderInfo>;
  /** Looks for one card (Type A, then B where supported) and activates it. */
  poll(options: PollOptions): Promise<PollResult>;
  /** One command APDU to the activated card. Card gone mid-exchange: CardRemovedError. */
  transmit(apdu: Buffer, options?: { signal?: AbortSignal }): Promise<ApduResponse>;
  /** Is the activated card still in the field? */
  presence(): Promise<boolean>;
  /** Deactivates the card (end of transaction); the next card needs a new poll. */
  release(): Promise<void>;
  /** Closes the link; idempotent. */
  close(): Promise<void>;
  /** Called when the link disappears (port unplugged, emulator gone); returns the unsubscribe. */
  onDisconnect(listener: (error: Error) => void): () => void;
}
