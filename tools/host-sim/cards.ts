import { fromHex } from "../../protocol/hex.js";
import type { BehaviourAction, CardProfile } from "./config.js";
import { maskedPan } from "./tx-log.js";

/** A test card's EMV issuer data, keys in Buffers. */
export interface CardEmv {
  imkAc: Buffer;
  psn: string;
  arpc: boolean;
  arpcKey: "session" | "icc-master";
  scripts: { "71"?: Buffer; "72"?: Buffer };
}

/** A test card account as the host holds it while running. Amounts in fen. */
export interface CardAccount {
  readonly pan: string;
  /** ASCII digits; compared in constant time, never logged. */
  readonly pin: Buffer;
  readonly name: string | undefined;
  readonly scheme: "CUP" | "VIS" | "MCC";
  readonly domestic: boolean;
  readonly accountType: "debit" | "credit";
  readonly perTxnLimit: number | undefined;
  readonly dailyLimit: number | undefined;
  readonly expiry: string | undefined;
  readonly emv: CardEmv | undefined;
  readonly behaviour: BehaviourAction | undefined;
  /** Balance (or available credit). */
  balance: number;
  /** Amount held by open pre-authorisations. */
  held: number;
  /** Debits approved on `day` (YYYYMMDD), for the daily limit. */
  daily: { day: string; total: number };
}

/** What a test may read back about a card (masked PAN, no PIN, no keys). */
export interface CardView {
  pan: string;
  name: string | undefined;
  scheme: string;
  domestic: boolean;
  balance: number;
  held: number;
  available: number;
  dailyTotal: number;
}

function account(p: CardProfile): CardAccount {
  const emv = p.emv;
  return {
    pan: p.pan,
    pin: Buffer.from(p.pin, "ascii"),
    name: p.name,
    scheme: p.scheme,
    domestic: p.domestic ?? p.scheme === "CUP",
    accountType: p.accountType,
    perTxnLimit: p.perTxnLimit,
    dailyLimit: p.dailyLimit,
    expiry: p.expiry,
    emv: emv && {
      imkAc: fromHex(emv.imkAc, "emv.imkAc"),
      psn: emv.psn,
      arpc: emv.arpc,
      arpcKey: emv.arpcKey,
      scripts: {
        ...(emv.issuerScripts?.["71"] ? { "71": fromHex(emv.issuerScripts["71"], "issuer script 71") } : {}),
        ...(emv.issuerScripts?.["72"] ? { "72": fromHex(emv.issuerScripts["72"], "issuer script 72") } : {}),
      },
    },
    behaviour: p.behaviour,
    balance: p.balance,
    held: 0,
    daily: { day: "", total: 0 },
  };
}

/** The simulator's card accounts, by PAN. A later profile with the same PAN replaces an earlier one. */
export class CardBook {
  private readonly byPan = new Map<string, CardAccount>();

  constructor(profiles: readonly CardProfile[]) {
    for (const p of profiles) this.byPan.set(p.pan, account(p));
  }

  find(pan: string | undefined): CardAccount | undefined {
    return pan === undefined ? undefined : this.byPan.get(pan);
  }

  available(card: CardAccount): number {
    return card.balance - card.held;
  }

  /** Today's approved debits for the daily limit, rolling over at midnight (host clock). */
  dailyTotal(card: CardAccount, day: string): number {
    if (card.daily.day !== day) card.daily = { day, total: 0 };
    return card.daily.total;
  }

  view(card: CardAccount): CardView {
    return {
      pan: maskedPan(card.pan),
      name: card.name,
      scheme: card.scheme,
      domestic: card.domestic,
      balance: card.balance,
      held: card.held,
      available: this.available(card),
      dailyTotal: card.daily.total,
    };
  }

  /** Wipes PINs and keys (on stop). */
  wipe(): void {
    for (const card of this.byPan.values()) {
      card.pin.fill(0);
      card.emv?.imkAc.fill(0);
    }
  }
}
