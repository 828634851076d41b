import type { CardKind, EntryMode } from "../journal/transaction-record.js";

/** What the terminal knows about the card once it has been read and the cardholder verified. */
export interface CardRead {
  entryMode: EntryMode;
  /** PAN as ASCII digits (sensitive: wiped by `wipe`). */
  pan?: Buffer;
  maskedPan?: string;
  /** YYMM. */
  expiry?: string;
  /** Track 2 (ASCII, '=' separator) for field 35 (sensitive). */
  track2?: Buffer;
  track3?: Buffer;
  cardSequence?: string;
  /** Field 55 of the request. */
  iccData?: Buffer;
  /** Field 52, enciphered by the PIN pad. */
  pinBlock?: Buffer;
  /** The scanned payment code (QR), for field 59. */
  paymentCode?: Buffer;
  signatureRequired: boolean;
  cardKind: CardKind;
  /** By BIN / AID; the host's field 63 card organisation refines it. */
  domestic: boolean;
  cardOrg?: string;
  emv?: { aid?: string; label?: string; cryptogram?: string; tvr?: string; tsi?: string; atc?: string };
  /** The chip decided without the host (offline approval / decline). */
  offline?: "approved" | "declined";
  /** Contact EMV: the card's second GENERATE AC with the host's answer. */
  complete?: (
    host: { responseCode: string; field55?: Buffer } | "unable-to-go-online",
  ) => Promise<ChipVerdict>;
}

export interface ChipVerdict {
  accepted: boolean;
  /** The host approved but the card declined: reverse with 06. */
  reverse: boolean;
  tc?: string;
  tvr?: string;
  tsi?: string;
}

export function wipeCardRead(card: CardRead): void {
  for (const b of [card.pan, card.track2, card.track3, card.pinBlock, card.paymentCode]) b?.fill(0);
}

/** UnionPay AIDs: …01 debit, …02 credit, …03 quasi-credit. */
export function cardKindOfAid(aid: string | undefined): CardKind {
  if (!aid?.startsWith("A000000333")) return aid ? "credit" : "unknown";
  const suffix = aid.slice(10, 16);
  if (suffix === "010101") return "debit";
  if (suffix === "010102" || suffix === "010103") return "credit";
  return "unknown";
}

/** Cards issued in mainland China (UnionPay BINs 62…, 60…, 9…): the settlement's 内卡 side. */
export function domesticPan(pan: Buffer | string | undefined): boolean {
  if (!pan) return true;
  const two = typeof pan === "string" ? pan.slice(0, 2) : pan.subarray(0, 2).toString("latin1");
  return two === "62" || two === "60" || two.startsWith("9");
}

/** BCD PAN from a chip (5A, F-padded) → ASCII digits. */
export function panFromBcd(bcd: Buffer): Buffer {
  const hex = bcd.toString("hex").toUpperCase();
  const end = hex.indexOf("F");
  return Buffer.from(end < 0 ? hex : hex.slice(0, end), "latin1");
}
