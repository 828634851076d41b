import type { Clock, ClockTimer } from "../../../../drivers/core/clock.js";
import { systemClock } from "../../../../drivers/core/clock.js";
import type { ByteLink } from "../../../../drivers/link/byte-link.js";
import {
  MAX_DATA_EXCHANGE_OUT,
  type Pn532Command,
  Pn532CommandCode,
  type Pn532CommandName,
  parseCommand,
} from "../../../../protocol/pn532/commands.js";
import { Pn532Decoder } from "../../../../protocol/pn532/decoder.js";
import {
  ACK_FRAME,
  ERROR_FRAME,
  encodeResponseFrame,
  TFI_HOST_TO_PN532,
} from "../../../../protocol/pn532/frame.js";
import { Pn532Error } from "../../../../protocol/pn532/pn532-error.js";
import {
  encodeDataExchangeReply,
  encodeEmptyResponse,
  encodeFirmwareVersion,
  encodeListedTargets,
  encodeStatusResponse,
  type FirmwareVersion,
} from "../../../../protocol/pn532/responses.js";
import { Pn532ErrorCode } from "../../../../protocol/pn532/status.js";
import { SAK_ISO14443_4, type TargetA, type TargetB } from "../../../../protocol/pn532/targets.js";
import { FaultBook, type Pn532Fault } from "./faults.js";
import { type FieldCard, RfField } from "./rf-field.js";

export interface Pn532EmulatorOptions {
  /** Time for delayed replies (slow card, wake-up); tests pass a ManualClock. */
  clock?: Clock;
  firmware?: FirmwareVersion;
  /** A C106 boots in power-down/LowVbat: it needs the 0x55 wake-up and SAMConfiguration first. Default true. */
  lowVbatAtStart?: boolean;
  /** Bytes arriving sooner than this after the wake-up byte are lost (oscillator start). Default 0. */
  wakeUpMs?: number;
  /** Largest card response returned in one InDataExchange reply before MI chaining. Default 262. */
  maxResponseChunk?: number;
  faults?: Pn532Fault[];
  /** The RF field, when the rig keeps it across reconnects (a port that comes back sees the same cards). */
  field?: RfField;
}

export interface Pn532EmulatorStats {
  commands: number;
  acks: number;
  nacksReceived: number;
  abortsReceived: number;
  ignored: number;
  syntaxErrors: number;
}

interface ActiveTarget {
  card: FieldCard;
  type: "A" | "B";
}

const NAMES = new Map<number, Pn532CommandName>(
  Object.entries(Pn532CommandCode).map(([name, code]) => [code, name as Pn532CommandName]),
);

export const DEFAULT_FIRMWARE: FirmwareVersion = {
  ic: 0x32,
  version: 1,
  revision: 6,
  support: { iso14443a: true, iso14443b: true, iso18092: true },
};

/**
 * A PN532 on HSU, from the device side of a ByteLink, written against the same protocol/pn532 codec as
 * the driver. The card behind the RF field is a VirtualCard answering at the APDU level: the real chip
 * hides ISO 14443-4 (RATS, block numbering, WTX) from the host too (device-protocols.md §1.5).
 */
export class Pn532Emulator {
  readonly field: RfField;
  readonly faults: FaultBook;
  readonly stats: Pn532EmulatorStats = {
    commands: 0,
    acks: 0,
    nacksReceived: 0,
    abortsReceived: 0,
    ignored: 0,
    syntaxErrors: 0,
  };
  private readonly clock: Clock;
  private readonly decoder = new Pn532Decoder();
  private readonly firmware: FirmwareVersion;
  private readonly unsubscribe: (() => void)[];
  private asleep: boolean;
  private lowVbat: boolean;
  private wokeAt = 0;
  private passiveActivationRetries = 0xff;
  private rfOn = true;
  private readonly active = new Map<number, ActiveTarget>();
  private lastResponse: { command: Pn532CommandName; payload: Buffer } | undefined;
  private pending: { timer?: ClockTimer; cancel: () => void } | undefined;
  private chainIn: Buffer[] = [];
  private chainOut: Buffer[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly link: ByteLink,
    private readonly options: Pn532EmulatorOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.firmware = options.firmware ?? DEFAULT_FIRMWARE;
    this.field = options.field ?? new RfField();
    this.faults = new FaultBook(options.faults);
    this.asleep = options.lowVbatAtStart ?? true;
    this.lowVbat = this.asleep;
    this.unsubscribe = [
      link.onData((chunk) => this.receive(chunk)),
      link.onClose(() => this.cancelPending()),
    ];
  }

  /** In LowVbat mode: only SAMConfiguration (after the wake-up) is accepted. */
  get inLowVbat(): boolean {
    return this.lowVbat;
  }

  /** Power loss: back to power-down/LowVbat, targets forgotten. */
  powerCycle(): void {
    this.cancelPending();
    this.asleep = true;
    this.lowVbat = true;
    this.active.clear();
    this.lastResponse = undefined;
    this.decoder.reset();
  }

  /** Stops listening to the link (the link itself belongs to the rig). */
  detach(): void {
    this.cancelPending();
    for (const off of this.unsubscribe) off();
  }

  private receive(chunk: Buffer): void {
    let bytes = chunk;
    if (this.asleep) {
      const at = bytes.indexOf(0x55);
      if (at === -1) {
        this.stats.ignored++;
        return;
      }
      this.asleep = false;
      this.wokeAt = this.clock.now();
      bytes = bytes.subarray(at + 1);
    }
    if (this.clock.now() - this.wokeAt < (this.options.wakeUpMs ?? 0)) return;
    for (const event of this.decoder.push(bytes)) {
      if (event.type === "ack") {
        // Host ACK = abort whatever is running.
        this.stats.abortsReceived++;
        this.cancelPending();
      } else if (event.type === "nack") {
        this.stats.nacksReceived++;
        if (this.lastResponse) this.sendResponse(this.lastResponse.command, this.lastResponse.payload);
      } else if (event.type === "frame" && event.tfi === TFI_HOST_TO_PN532) {
        this.command(event.payload);
      } else if (event.type !== "skipped") {
        // A frame with a bad checksum or a foreign TFI: the PN532 does not ACK it.
        this.stats.ignored++;
      }
    }
  }

  private command(payload: Buffer): void {
    const name = NAMES.get(payload[0]!) ?? "GetFirmwareVersion";
    const known = NAMES.has(payload[0]!);
    if (this.lowVbat && payload[0] !== Pn532CommandCode.SAMConfiguration) {
      this.stats.ignored++;
      return;
    }
    if (known && this.faults.take("no-ack", name)) {
      this.stats.ignored++;
      return;
    }
    this.cancelPending();
    this.stats.commands++;
    this.stats.acks++;
    this.write(ACK_FRAME);
    let command: Pn532Command;
    try {
      command = parseCommand(payload);
    } catch (error) {
      if (!(error instanceof Pn532Error)) throw error;
      this.syntaxError();
      return;
    }
    if (this.faults.take("syntax-error", name)) {
      this.syntaxError();
      return;
    }
    this.execute(command, name);
  }

  private execute(command: Pn532Command, name: Pn532CommandName): void {
    switch (command.command) {
      case "GetFirmwareVersion":
        this.reply(name, encodeFirmwareVersion(this.firmware));
        return;
      case "SAMConfiguration":
        if (command.mode !== 0x01) {
          this.syntaxError();
          return;
        }
        this.lowVbat = false;
        this.reply(name, encodeEmptyResponse(name));
        return;
      case "RFConfiguration":
        if (command.config.item === "maxRetries")
          this.passiveActivationRetries = command.config.passiveActivation;
        if (command.config.item === "field") {
          this.rfOn = command.config.rfOn;
          if (!this.rfOn) this.active.clear();
        }
        this.reply(name, encodeEmptyResponse(name));
        return;
      case "SetParameters":
        this.reply(name, encodeEmptyResponse(name));
        return;
      case "InListPassiveTarget":
        this.listTargets(command.modulation, command.maxTargets);
        return;
      case "InDataExchange":
        this.dataExchange(command.target, command.data, command.moreInformation);
        return;
      case "InRelease":
      case "InDeselect": {
        if (command.target === 0) this.active.clear();
        else this.active.delete(command.target);
        this.reply(name, encodeStatusResponse(name, 0x00));
        return;
      }
      case "Diagnose":
        this.diagnose(command.test, command.params);
        return;
    }
  }

  private listTargets(modulation: "A106" | "B106", maxTargets: number): void {
    this.active.clear();
    this.chainOut = [];
    this.chainIn = [];
    if (this.faults.take("no-card", "InListPassiveTarget")) {
      this.reply("InListPassiveTarget", encodeListedTargets({ modulation, targets: [] }));
      return;
    }
    const found = this.rfOn
      ? this.field.cards.filter((card) => (modulation === "A106" ? card.contactless : card.contactlessB))
      : [];
    if (found.length === 0 && this.passiveActivationRetries === 0xff && this.rfOn) {
      // MxRtyPassiveActivation = FF: the real chip keeps trying until a card comes (or the host aborts).
      const off = this.field.onChange(() => {
        if (this.field.cards.length === 0) return;
        this.pending = undefined;
        off();
        this.listTargets(modulation, maxTargets);
      });
      this.pending = { cancel: off };
      return;
    }
    const chosen = found.slice(0, maxTargets);
    for (const card of chosen) this.field.touch(card);
    if (modulation === "A106") {
      const targets: TargetA[] = chosen.map((card, i) => {
        const identity = card.contactless!;
        this.active.set(i + 1, { card, type: "A" });
        const iso4 = (identity.sak & SAK_ISO14443_4) !== 0;
        return {
          target: i + 1,
          atqa: identity.atqa,
          sak: identity.sak,
          uid: identity.uid,
          ...(iso4 ? { ats: withTl(identity.ats) } : {}),
        };
      });
      this.reply("InListPassiveTarget", encodeListedTargets({ modulation, targets }));
      return;
    }
    const targets: TargetB[] = chosen.map((card, i) => {
      this.active.set(i + 1, { card, type: "B" });
      return { target: i + 1, atqb: card.contactlessB!.atqb, attribRes: card.contactlessB!.attribRes };
    });
    this.reply("InListPassiveTarget", encodeListedTargets({ modulation, targets }));
  }

  private dataExchange(tg: number, data: Buffer, moreInformation: boolean): void {
    const name = "InDataExchange";
    const target = this.active.get(tg);
    if (!target) {
      this.reply(name, encodeDataExchangeReply(Pn532ErrorCode.notAcceptableInContext, Buffer.alloc(0)));
      return;
    }
    if (!this.field.has(target.card)) {
      this.active.delete(tg);
      this.reply(name, encodeDataExchangeReply(Pn532ErrorCode.timeout, Buffer.alloc(0)));
      return;
    }
    const statusFault = this.faults.take("status", name);
    if (statusFault) {
      if (statusFault.removeCard) {
        this.field.remove(target.card);
        this.active.delete(tg);
      }
      this.reply(name, encodeDataExchangeReply(statusFault.status, Buffer.alloc(0)));
      return;
    }
    if (data.length === 0 && !moreInformation && this.chainOut.length > 0) {
      this.sendChunk();
      return;
    }
    this.chainIn.push(data);
    if (moreInformation) {
      this.reply(name, encodeDataExchangeReply(0x00, Buffer.alloc(0)));
      return;
    }
    const apdu = Buffer.concat(this.chainIn);
    this.chainIn = [];
    this.field.touch(target.card);
    let response: Buffer;
    try {
      response = target.card.transmit(apdu);
    } catch {
      // A card that fails to answer is, to the PN532, a timeout.
      this.reply(name, encodeDataExchangeReply(Pn532ErrorCode.timeout, Buffer.alloc(0)));
      return;
    }
    const chain = this.faults.take("chain", name);
    const size = chain ? Math.max(1, chain.chunk) : (this.options.maxResponseChunk ?? MAX_DATA_EXCHANGE_OUT);
    this.chainOut = [];
    for (let at = 0; at < response.length; at += size) this.chainOut.push(response.subarray(at, at + size));
    if (this.chainOut.length === 0) this.chainOut.push(Buffer.alloc(0));
    const slow = this.faults.take("slow-card", name);
    if (slow) this.later(slow.delayMs, () => this.sendChunk());
    else this.sendChunk();
  }

  private sendChunk(): void {
    const chunk = this.chainOut.shift() ?? Buffer.alloc(0);
    const status = this.chainOut.length > 0 ? 0x40 : 0x00;
    this.reply("InDataExchange", encodeDataExchangeReply(status, chunk));
  }

  private diagnose(test: number, params: Buffer): void {
    if (test !== 0x06) {
      this.reply("Diagnose", Buffer.concat([Buffer.from([0x01]), params]));
      return;
    }
    const target = [...this.active.values()][0];
    const present = target !== undefined && this.field.has(target.card);
    if (present) this.field.touch(target.card);
    const status =
      this.faults.take("status", "Diagnose")?.status ?? (present ? 0x00 : Pn532ErrorCode.timeout);
    this.reply("Diagnose", encodeStatusResponse("Diagnose", status));
  }

  private later(ms: number, fn: () => void): void {
    const timer = this.clock.setTimeout(() => {
      this.pending = undefined;
      fn();
    }, ms);
    this.pending = { timer, cancel: () => this.clock.clearTimeout(timer) };
  }

  private cancelPending(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.cancel();
  }

  private reply(command: Pn532CommandName, payload: Buffer): void {
    this.lastResponse = { command, payload };
    this.sendResponse(command, payload);
  }

  private sendResponse(command: Pn532CommandName, payload: Buffer): void {
    const frame = encodeResponseFrame(payload);
    if (this.faults.take("corrupt-response", command)) frame[frame.length - 2]! ^= 0xff;
    this.write(frame);
  }

  private syntaxError(): void {
    this.stats.syntaxErrors++;
    this.lastResponse = undefined;
    this.write(ERROR_FRAME);
  }

  /** Frames go out one after another, as on a UART, even when a fault plan splits them into pieces. */
  private write(bytes: Buffer): void {
    const copy = Buffer.from(bytes);
    this.writing = this.writing.then(async () => {
      if (!this.link.isOpen) return;
      try {
        await this.link.write(copy);
      } catch {
        // The host end went away; the rig sees the close on its own.
      }
    });
  }
}

/** The ATS as the PN532 forwards it: TL (counting itself) first; a profile may omit TL. */
function withTl(ats: Buffer): Buffer {
  if (ats.length > 0 && ats[0] === ats.length) return ats;
  return Buffer.concat([Buffer.from([ats.length + 1]), ats]);
}
