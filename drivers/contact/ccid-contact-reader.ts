import {
  CCID_ERROR,
  type CcidMessage,
  ccidErrorText,
  decodeSlotState,
  getSlotStatus,
  iccPowerOff,
  iccPowerOn,
  type PowerSelect,
  RDR_TO_PC,
  xfrBlock,
} from "../../protocol/ccid/index.js";
import {
  type ApduResponse,
  type Atr,
  buildApdu,
  type CommandApdu,
  Iso7816Error,
  parseAtr,
  T0Exchange,
  T1Host,
} from "../../protocol/iso7816/index.js";
import { CommandQueue } from "../core/command-queue.js";
import { DeviceProtocolError } from "../core/device-error.js";
import { EventFanout } from "../core/event-fanout.js";
import { CcidSerialSession, type CcidSerialSessionOptions } from "./ccid-serial-session.js";
import {
  BadAtrError,
  CardNotPoweredError,
  CardReaderError,
  CardRemovedError,
  type CardSlotEvent,
  type CommandOptions,
  type ContactCardReader,
  MuteCardError,
  NoCardError,
  type PowerOnResult,
} from "./contact-reader.js";

export interface CcidContactReaderOptions extends CcidSerialSessionOptions {
  slot?: number;
  /**
   * "tpdu": the reader passes TPDUs (T=0 61xx/6Cxx and T=1 blocks are ours; cheap serial readers);
   * "apdu": the reader does it (CCID short-APDU level), we send the APDU as is.
   */
  exchangeLevel?: "tpdu" | "apdu";
  voltage?: PowerSelect;
  timeouts?: { powerOnMs?: number; xfrMs?: number; statusMs?: number };
}

/** ContactCardReader over a CCID reader on a serial line (GemPC Twin style framing). */
export class CcidContactReader implements ContactCardReader {
  private readonly session: CcidSerialSession;
  private readonly queue: CommandQueue;
  private readonly slot: number;
  private readonly level: "tpdu" | "apdu";
  private readonly timeouts: { powerOnMs: number; xfrMs: number; statusMs: number };
  private readonly events = new EventFanout<CardSlotEvent>();
  private present: boolean | undefined;
  private powered: { protocol: "T=0" | "T=1"; t1?: T1Host } | undefined;

  constructor(private readonly options: CcidContactReaderOptions) {
    this.session = new CcidSerialSession(options);
    this.queue = new CommandQueue(this.session.device);
    this.slot = options.slot ?? 0;
    this.level = options.exchangeLevel ?? "tpdu";
    this.timeouts = { powerOnMs: 5000, xfrMs: 5000, statusMs: 1000, ...options.timeouts };
    this.session.onSlotChange((present) => this.slotChanged(present));
    this.session.onLinkChange(() => {
      // After a port loss the reader may have reset: the card must be powered again.
      this.powered = undefined;
    });
  }

  get cardPresent(): boolean | undefined {
    return this.present;
  }

  async open(): Promise<void> {
    await this.session.ensureOpen();
    await this.refreshSlotStatus();
  }

  async close(): Promise<void> {
    this.powered = undefined;
    await this.session.close();
    this.events.end();
  }

  onCardEvent(listener: (event: CardSlotEvent) => void): () => void {
    return this.events.on(listener);
  }

  cardEvents(signal?: AbortSignal): AsyncIterableIterator<CardSlotEvent> {
    return this.events.iterate(signal);
  }

  powerOn(options: CommandOptions = {}): Promise<PowerOnResult> {
    return this.queue.run(async () => {
      this.powered = undefined;
      const reply = await this.session.transact(
        (seq) => iccPowerOn(this.slot, seq, this.options.voltage ?? "auto"),
        { slot: this.slot, timeoutMs: this.timeouts.powerOnMs, signal: options.signal },
      );
      this.check(reply, "power on", false);
      let atr: Atr;
      try {
        atr = parseAtr(reply.data);
      } catch (error) {
        throw new BadAtrError(this.session.device, `ATR refused: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const protocol = atr.defaultProtocol === 1 ? "T=1" : atr.defaultProtocol === 0 ? "T=0" : undefined;
      if (!protocol) throw new BadAtrError(this.session.device, `card offers T=${atr.defaultProtocol} only`);
      if (protocol === "T=1" && atr.t1.edc === "crc") {
        throw new BadAtrError(this.session.device, "T=1 with CRC error detection is not supported");
      }
      this.powered =
        protocol === "T=1" && this.level === "tpdu"
          ? { protocol, t1: new T1Host({ ifsc: atr.t1.ifsc }) }
          : { protocol };
      this.present = true;
      return { atr, protocol };
    }, options.signal);
  }

  transmit(apdu: Uint8Array | CommandApdu, options: CommandOptions = {}): Promise<ApduResponse> {
    return this.queue.run(async () => {
      const reopened = await this.session.ensureOpen();
      if (reopened) this.powered = undefined;
      const powered = this.powered;
      if (!powered) throw new CardNotPoweredError(this.session.device, "power the card on first");
      const command = apdu instanceof Uint8Array ? Buffer.from(apdu) : buildApdu(apdu);
      try {
        if (this.level === "apdu") return this.split(await this.xfr(command, options.signal));
        if (powered.t1) return await this.transmitT1(powered.t1, command, options.signal);
        return await this.transmitT0(command, options.signal);
      } catch (error) {
        if (error instanceof Iso7816Error) {
          throw new DeviceProtocolError(this.session.device, error.message, { cause: error });
        }
        throw error;
      } finally {
        command.fill(0);
      }
    }, options.signal);
  }

  powerOff(options: CommandOptions = {}): Promise<void> {
    return this.queue.run(async () => {
      this.powered = undefined;
      const reply = await this.session.transact((seq) => iccPowerOff(this.slot, seq), {
        slot: this.slot,
        timeoutMs: this.timeouts.statusMs,
        signal: options.signal,
      });
      const state = decodeSlotState(reply.specific[0], reply.specific[1]);
      this.present = state.icc !== "absent";
    }, options.signal);
  }

  private async refreshSlotStatus(): Promise<void> {
    await this.queue.run(async () => {
      const reply = await this.session.transact((seq) => getSlotStatus(this.slot, seq), {
        slot: this.slot,
        timeoutMs: this.timeouts.statusMs,
      });
      const state = decodeSlotState(reply.specific[0], reply.specific[1]);
      this.present = state.icc !== "absent";
      if (state.icc !== "active") this.powered = undefined;
    });
  }

  private async transmitT0(command: Buffer, signal?: AbortSignal): Promise<ApduResponse> {
    const exchange = new T0Exchange(command);
    let tpdu = exchange.first();
    for (;;) {
      const reply = await this.xfr(tpdu, signal);
      const step = exchange.onResponse(reply);
      reply.fill(0);
      if (step.type === "done") return step.response;
      tpdu = step.tpdu;
    }
  }

  private async transmitT1(host: T1Host, command: Buffer, signal?: AbortSignal): Promise<ApduResponse> {
    let step = host.begin(command);
    let wtx = 0;
    for (;;) {
      if (step.type === "done") return this.split(step.response);
      const reply = await this.xfr(step.block, signal, wtx);
      step = host.onBlock(reply);
      wtx = step.type === "send" ? (step.wtx ?? 0) : 0;
    }
  }

  /** One XfrBlock; the card's bytes (TPDU reply, T=1 block or response APDU). */
  private async xfr(data: Buffer, signal?: AbortSignal, bwi = 0): Promise<Buffer> {
    const reply = await this.session.transact((seq) => xfrBlock(this.slot, seq, data, bwi & 0xff), {
      slot: this.slot,
      timeoutMs: this.timeouts.xfrMs * Math.max(1, bwi),
      signal,
      failOnRemoval: true,
    });
    this.check(reply, "XfrBlock", true);
    return reply.data;
  }

  private split(bytes: Buffer): ApduResponse {
    if (bytes.length < 2) throw new DeviceProtocolError(this.session.device, "response without status word");
    const n = bytes.length - 2;
    const response = { data: Buffer.from(bytes.subarray(0, n)), sw: bytes.readUInt16BE(n) };
    bytes.fill(0);
    return response;
  }

  /** Maps bStatus/bError of a reply to the typed errors. */
  private check(reply: CcidMessage, what: string, cardWasPowered: boolean): void {
    const device = this.session.device;
    if (reply.type !== RDR_TO_PC.DataBlock && reply.type !== RDR_TO_PC.SlotStatus) {
      throw new DeviceProtocolError(device, `${what}: unexpected reply type ${reply.type}`);
    }
    const state = decodeSlotState(reply.specific[0], reply.specific[1]);
    if (state.icc === "absent") {
      this.present = false;
      this.powered = undefined;
      if (cardWasPowered) throw new CardRemovedError(device, `card removed (${what})`);
      if (state.command === "failed") throw new NoCardError(device, `no card in the slot (${what})`);
    }
    if (state.command !== "failed") return;
    const text = `${what}: ${ccidErrorText(state.error)}`;
    if (state.error === CCID_ERROR.ICC_MUTE) {
      this.powered = undefined;
      throw new MuteCardError(device, text);
    }
    if (state.error === CCID_ERROR.BAD_ATR_TCK || state.error === CCID_ERROR.BAD_ATR_TS) {
      throw new BadAtrError(device, text);
    }
    throw new CardReaderError(device, text, state.error);
  }

  private slotChanged(present: boolean): void {
    if (this.present === present) return;
    this.present = present;
    if (!present) this.powered = undefined;
    const event: CardSlotEvent = { type: present ? "inserted" : "removed" };
    this.events.emit(event);
  }
}
