import { type Clock, systemClock } from "../../../../drivers/core/clock.js";
import type { ByteLink } from "../../../../drivers/link/byte-link.js";
import {
  CCID_ERROR,
  CcidSerialDecoder,
  dataBlock,
  decodeCcidMessage,
  encodeCcidSerialFrame,
  encodeSlotChangeNotice,
  NAK_FRAME,
  PC_TO_RDR,
  slotStatus,
} from "../../../../protocol/ccid/index.js";
import { parseAtr } from "../../../../protocol/iso7816/index.js";
import type { VirtualCard } from "../../virtual-card.js";
import { CardMuteError, CardRemovedError } from "../../virtual-card.js";
import type { ContactReaderFault, ContactReaderFaultRule } from "./faults.js";
import { T0CardAdapter } from "./t0-card.js";
import { T1CardAdapter } from "./t1-card.js";

export interface ContactReaderEmulatorOptions {
  faults?: ContactReaderFaultRule[];
  /** Time for delayed replies (time-extension faults); tests pass their ManualClock. */
  clock?: Clock;
  /** T=0 cards hand out at most this many bytes per 61xx (default 256: one GET RESPONSE). */
  getResponseChunk?: number;
  slot?: number;
}

/** bStatus values used below: ICC state in bits 0-1, command failed 0x40, time extension 0x80. */
const ACTIVE = 0x00;
const INACTIVE = 0x01;
const ABSENT = 0x02;
const FAILED = 0x40;
const TIME_EXTENSION = 0x80;

const TRIGGER: Record<number, ContactReaderFaultRule["on"]> = {
  [PC_TO_RDR.IccPowerOn]: "power-on",
  [PC_TO_RDR.XfrBlock]: "xfr",
  [PC_TO_RDR.IccPowerOff]: "power-off",
  [PC_TO_RDR.GetSlotStatus]: "status",
};

/**
 * A CCID reader with one slot on a serial line (GemPC Twin framing), from the device side of a ByteLink.
 * It decodes the host's frames with the same protocol/ccid codec, NAKs corrupt ones, resends its last
 * reply when the host NAKs, and runs the inserted VirtualCard through T=0 (TPDU) or T=1 rules.
 */
export class ContactReaderEmulator {
  private readonly decoder = new CcidSerialDecoder({ direction: "to-reader" });
  private readonly rules: (ContactReaderFaultRule & { seen: number; used: boolean })[];
  private readonly clock: Clock;
  private readonly slot: number;
  private card: VirtualCard | undefined;
  private session: { t0?: T0CardAdapter; t1?: T1CardAdapter } | undefined;
  private lastReply: Buffer | undefined;
  private pendingNaks = 0;
  /** Commands received, by message type name, for assertions. */
  readonly received: number[] = [];

  constructor(
    private readonly link: ByteLink,
    private readonly options: ContactReaderEmulatorOptions = {},
  ) {
    this.rules = (options.faults ?? []).map((r) => ({ ...r, seen: 0, used: false }));
    this.clock = options.clock ?? systemClock;
    this.slot = options.slot ?? 0;
    link.onData((chunk) => this.onData(chunk));
  }

  get cardInserted(): boolean {
    return this.card !== undefined;
  }

  get cardPowered(): boolean {
    return this.session !== undefined;
  }

  /** Adds a fault rule at run time. */
  inject(rule: ContactReaderFaultRule): void {
    this.rules.push({ ...rule, seen: 0, used: false });
  }

  /** A card slides in: 50 03. */
  insert(card: VirtualCard): void {
    this.card = card;
    this.session = undefined;
    void this.send(encodeSlotChangeNotice(true), false);
  }

  /** The card is pulled out: 50 02. */
  remove(): void {
    this.card = undefined;
    this.session = undefined;
    void this.send(encodeSlotChangeNotice(false), false);
  }

  private onData(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.type === "nak") {
        if (this.lastReply) void this.send(this.lastReply, false);
      } else if (event.type === "bad-lrc") {
        void this.send(NAK_FRAME, false);
      } else if (event.type === "message") {
        this.onMessage(event.message);
      }
    }
  }

  private fault(type: number): ContactReaderFault | undefined {
    const trigger = TRIGGER[type];
    for (const rule of this.rules) {
      if (rule.used) continue;
      const on = rule.on ?? "any";
      if (on !== "any" && on !== trigger) continue;
      if (rule.seen++ < (rule.skip ?? 0)) continue;
      rule.used = true;
      return rule.fault;
    }
    return undefined;
  }

  private onMessage(bytes: Buffer): void {
    let message: ReturnType<typeof decodeCcidMessage>;
    try {
      message = decodeCcidMessage(bytes);
    } catch {
      void this.send(NAK_FRAME, false);
      return;
    }
    this.received.push(message.type);
    if (this.pendingNaks > 0) {
      this.pendingNaks--;
      void this.send(NAK_FRAME, false);
      return;
    }
    const fault = this.fault(message.type);
    if (fault?.kind === "nak") {
      this.pendingNaks = (fault.times ?? 1) - 1;
      void this.send(NAK_FRAME, false);
      return;
    }
    if (fault?.kind === "silence") return;
    const { seq } = message;
    const slot = this.slot;
    if (message.slot !== slot) {
      this.reply(slotStatus(message.slot, seq, FAILED | ABSENT, 5));
      return;
    }
    switch (message.type) {
      case PC_TO_RDR.GetSlotStatus:
        this.reply(slotStatus(slot, seq, this.iccState(), 0));
        return;
      case PC_TO_RDR.Abort:
        this.reply(slotStatus(slot, seq, this.iccState(), 0));
        return;
      case PC_TO_RDR.IccPowerOff:
        this.session = undefined;
        this.reply(slotStatus(slot, seq, this.iccState(), 0));
        return;
      case PC_TO_RDR.IccPowerOn:
        this.powerOn(seq, fault);
        return;
      case PC_TO_RDR.XfrBlock:
        this.xfr(seq, message.data, fault);
        return;
      default:
        this.reply(slotStatus(slot, seq, FAILED | this.iccState(), CCID_ERROR.CMD_NOT_SUPPORTED));
    }
  }

  private iccState(): number {
    return this.card === undefined ? ABSENT : this.session ? ACTIVE : INACTIVE;
  }

  private powerOn(seq: number, fault: ContactReaderFault | undefined) {
    this.session = undefined;
    if (!this.card) return this.fail(seq, ABSENT, CCID_ERROR.ICC_MUTE);
    if (fault?.kind === "mute-card" || !this.card.atr) return this.fail(seq, INACTIVE, CCID_ERROR.ICC_MUTE);
    if (fault?.kind === "bad-atr") return this.fail(seq, INACTIVE, fault.error);
    const atr = fault?.kind === "atr" ? Buffer.from(fault.bytes) : this.card.atr;
    let protocol = 0;
    try {
      protocol = parseAtr(atr).defaultProtocol;
    } catch {
      // A malformed ATR still goes to the host (a lenient reader); the host must refuse it.
    }
    this.session =
      protocol === 1
        ? { t1: new T1CardAdapter(this.card) }
        : { t0: new T0CardAdapter(this.card, this.options.getResponseChunk) };
    this.reply(dataBlock(this.slot, seq, ACTIVE, 0, atr));
  }

  /** A failed DataBlock: bStatus failed with the ICC state, bError. */
  private fail(seq: number, icc: number, error: number): void {
    this.reply(dataBlock(this.slot, seq, FAILED | icc, error, Buffer.alloc(0)));
  }

  private xfr(seq: number, data: Buffer, fault: ContactReaderFault | undefined) {
    const slot = this.slot;
    if (!this.card) return this.fail(seq, ABSENT, CCID_ERROR.ICC_MUTE);
    if (!this.session) return this.fail(seq, INACTIVE, CCID_ERROR.DEACTIVATED_PROTOCOL);
    if (fault?.kind === "remove-card") {
      this.remove();
      return this.fail(seq, ABSENT, CCID_ERROR.ICC_MUTE);
    }
    if (fault?.kind === "wtx" && this.session.t1) this.session.t1.wtxBeforeAnswer = fault.multiplier;
    let answer: Buffer;
    try {
      answer = this.session.t1 ? this.session.t1.handle(data) : this.session.t0!.handle(data);
    } catch (error) {
      if (error instanceof CardMuteError) {
        this.session = undefined;
        return this.fail(seq, INACTIVE, CCID_ERROR.ICC_MUTE);
      }
      if (!(error instanceof CardRemovedError)) throw error;
      // The card left mid-exchange: the slot is empty, and the host hears about it like a real removal.
      this.remove();
      return this.fail(seq, ABSENT, CCID_ERROR.ICC_MUTE);
    }
    const reply = dataBlock(slot, seq, ACTIVE, 0, answer);
    if (fault?.kind !== "time-extension") {
      this.reply(reply);
      return;
    }
    // The card keeps sending NULL (60): the reader tells the host, then answers once the card does.
    const interval = fault.intervalMs ?? 0;
    for (let i = 1; i <= fault.count; i++) {
      const signal =
        fault.style === "byte"
          ? Buffer.from([0x80 | (fault.multiplier ?? 1)])
          : encodeCcidSerialFrame(
              dataBlock(slot, seq, TIME_EXTENSION | ACTIVE, fault.multiplier ?? 1, Buffer.alloc(0)),
            );
      this.later(interval * i, () => void this.send(signal, false));
    }
    this.later(interval * (fault.count + 1), () => this.reply(reply));
  }

  private later(ms: number, fn: () => void): void {
    if (ms <= 0) fn();
    else this.clock.setTimeout(fn, ms);
  }

  private reply(message: Buffer): void {
    void this.send(encodeCcidSerialFrame(message), true);
  }

  private async send(bytes: Buffer, remember: boolean): Promise<void> {
    if (remember) this.lastReply = bytes;
    if (this.link.isOpen) await this.link.write(bytes).catch(() => undefined);
  }
}
