/**
 * A card the rig can insert, tap or swipe. The contact reader and NFC emulators talk to it through
 * `transmit` (one APDU in, response data + status word out), exactly as a reader talks to a chip.
 * Real EMV behaviour (GPO, READ RECORD, GENERATE AC with the card's own keys) arrives with the EMV
 * kernel's card applets; until then a card answers from a scripted profile.
 */
export interface VirtualCard {
  readonly name: string;
  /** Answer To Reset, for contact insertion. */
  readonly atr?: Buffer;
  /** ISO 14443-A identity, for taps: UID (4/7/10 bytes), ATQA (2), SAK (1), ATS. */
  readonly contactless?: { uid: Buffer; atqa: Buffer; sak: number; ats: Buffer };
  /** Magnetic stripe, for swipes: track text as ISO 7811 characters without sentinels. */
  readonly tracks?: { track1?: string; track2?: string; track3?: string };
  /** One command APDU → response APDU (data ‖ SW1 SW2). */
  transmit(apdu: Buffer): Buffer;
}

/**
 * How a virtual card stops answering: `transmit` throws one of these. Reader emulators turn them into what
 * a reader reports: the PN532 a timeout; the contact reader an empty slot (removed) or a mute ICC.
 */
export class CardRemovedError extends Error {
  override name = "CardRemovedError";
  constructor(readonly card: string) {
    super(`${card}: card removed`);
  }
}

/** The card gave its ATR but answers no command (a "mute after ATR" faulty card). */
export class CardMuteError extends Error {
  override name = "CardMuteError";
  constructor(readonly card: string) {
    super(`${card}: card does not answer`);
  }
}

export interface ScriptedCardProfile {
  name: string;
  atr?: string;
  contactless?: { uid: string; atqa: string; sak: number; ats: string };
  tracks?: { track1?: string; track2?: string; track3?: string };
  /** Command-prefix (hex) → response (hex, ending in SW). The longest matching prefix wins. */
  responses: Record<string, string>;
}

const SW_INS_NOT_SUPPORTED = Buffer.from([0x6d, 0x00]);

/** A card that answers from a table of command prefixes, for driver and rig tests. */
export class ScriptedCard implements VirtualCard {
  readonly name: string;
  readonly atr?: Buffer;
  readonly contactless?: { uid: Buffer; atqa: Buffer; sak: number; ats: Buffer };
  readonly tracks?: { track1?: string; track2?: string; track3?: string };
  private readonly table: [Buffer, Buffer][];

  constructor(profile: ScriptedCardProfile) {
    this.name = profile.name;
    if (profile.atr) this.atr = Buffer.from(profile.atr, "hex");
    if (profile.contactless) {
      const c = profile.contactless;
      this.contactless = {
        uid: Buffer.from(c.uid, "hex"),
        atqa: Buffer.from(c.atqa, "hex"),
        sak: c.sak,
        ats: Buffer.from(c.ats, "hex"),
      };
    }
    if (profile.tracks) this.tracks = profile.tracks;
    this.table = Object.entries(profile.responses)
      .map(([prefix, response]): [Buffer, Buffer] => [
        Buffer.from(prefix, "hex"),
        Buffer.from(response, "hex"),
      ])
      .sort((a, b) => b[0].length - a[0].length);
  }

  transmit(apdu: Buffer): Buffer {
    const hit = this.table.find(([prefix]) => apdu.subarray(0, prefix.length).equals(prefix));
    return Buffer.from(hit ? hit[1] : SW_INS_NOT_SUPPORTED);
  }
}
