import type { VirtualCard } from "../../virtual-card.js";

/** ISO 14443-B identity for a card the rig presents as Type B (VirtualCard only describes Type A). */
export interface TypeBIdentity {
  /** ATQB, 12 bytes: 50 PUPI(4) ApplicationData(4) ProtocolInfo(3). */
  atqb: Buffer;
  attribRes: Buffer;
}

export type FieldCard = VirtualCard & { readonly contactlessB?: TypeBIdentity };

interface Presence {
  card: FieldCard;
  /** RF operations left before the card leaves (tap); undefined = until removed. */
  operationsLeft: number | undefined;
}

/**
 * The reader's RF field: the rig places and removes cards. A tap is a card that stays for a number of
 * RF operations (polls, APDUs, presence checks) and then leaves by itself; the operation that uses up
 * the last one still succeeds.
 */
export class RfField {
  private readonly present: Presence[] = [];
  private readonly listeners = new Set<() => void>();

  /** Puts a card in the field until removed. */
  place(card: FieldCard): void {
    this.remove(card);
    this.present.push({ card, operationsLeft: undefined });
    this.changed();
  }

  /** A tap: the card answers `operations` RF operations, then leaves. */
  tap(card: FieldCard, operations: number): void {
    this.remove(card);
    this.present.push({ card, operationsLeft: Math.max(1, operations) });
    this.changed();
  }

  /** Takes one card out, or every card. */
  remove(card?: FieldCard): void {
    const before = this.present.length;
    for (let i = this.present.length - 1; i >= 0; i--) {
      if (card === undefined || this.present[i]!.card === card) this.present.splice(i, 1);
    }
    if (this.present.length !== before) this.changed();
  }

  get cards(): FieldCard[] {
    return this.present.map((p) => p.card);
  }

  has(card: FieldCard): boolean {
    return this.present.some((p) => p.card === card);
  }

  /** One RF operation reached `card`: a tapped card counts down and leaves after its last one. */
  touch(card: FieldCard): void {
    const presence = this.present.find((p) => p.card === card);
    if (presence?.operationsLeft === undefined) return;
    presence.operationsLeft--;
    if (presence.operationsLeft <= 0) this.remove(card);
  }

  /** Called whenever a card enters or leaves (a blocked InListPassiveTarget waits on it). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
