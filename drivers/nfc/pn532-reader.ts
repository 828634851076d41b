import { commands, MAX_DATA_EXCHANGE_OUT, type Modulation } from "../../protocol/pn532/commands.js";
import { Pn532Error } from "../../protocol/pn532/pn532-error.js";
import {
  type FirmwareVersion,
  parseDataExchangeReply,
  parseEmptyResponse,
  parseFirmwareVersion,
  parseListedTargets,
  parseStatusResponse,
} from "../../protocol/pn532/responses.js";
import type { Pn532Status } from "../../protocol/pn532/status.js";
import type { Clock } from "../core/clock.js";
import { systemClock } from "../core/clock.js";
import { DeviceCancelledError, DeviceProtocolError, DeviceTimeoutError } from "../core/device-error.js";
import type {
  ApduResponse,
  CardDetected,
  ContactlessReader,
  PollOptions,
  PollResult,
  ReaderInfo,
} from "./contactless-reader.js";
import { CardRemovedError, NoActiveCardError, Pn532StatusError, RfError } from "./nfc-errors.js";
import { type Pn532Exchange, Pn532Session, type Pn532SessionOptions } from "./pn532-session.js";

export interface Pn532ReaderOptions extends Omit<Pn532SessionOptions, "initialise"> {
  /** Pause between poll rounds that found nothing. Default 50 ms. */
  pollIntervalMs?: number;
  /**
   * MxRtyPassiveActivation: how many activation attempts one InListPassiveTarget makes. Never 0xFF
   * (libnfc's default blocks until a card comes); the reader loops on its own cancellable timer.
   */
  passiveActivationRetries?: number;
  /** Poll Type B too: "auto" (default) when the firmware says it supports it. */
  typeB?: boolean | "auto";
  /** List up to two Type A targets so two cards are reported as a collision (default true). */
  detectCollision?: boolean;
}

/** The PN532 (HSU) as a ContactlessReader: domain values in and out, PN532 frames stay inside. */
export class Pn532Reader implements ContactlessReader {
  readonly session: Pn532Session;
  private readonly device: string;
  private readonly clock: Clock;
  private active: { target: number; card: CardDetected } | undefined;
  private modulations: Modulation[] = ["A106"];
  private firmware: FirmwareVersion | undefined;
  /** GetFirmwareVersion reply from the last wake-up (configure runs inside the session's slot). */
  private firmwareResponse: Buffer = Buffer.alloc(0);

  constructor(private readonly options: Pn532ReaderOptions) {
    this.device = options.device ?? "nfc";
    this.clock = options.clock ?? systemClock;
    this.session = new Pn532Session({ ...options, initialise: (exchange) => this.configure(exchange) });
    // After a reopen the PN532 has forgotten its targets.
    this.session.onDisconnect(() => {
      this.active = undefined;
    });
  }

  /** The card activated by the last successful poll, if still considered present. */
  get activeCard(): CardDetected | undefined {
    return this.active?.card;
  }

  async open(): Promise<ReaderInfo> {
    await this.session.open();
    const firmware = this.parse(() => parseFirmwareVersion(this.firmwareResponse));
    this.firmware = firmware;
    const typeB = this.options.typeB ?? "auto";
    this.modulations = (typeB === "auto" ? firmware.support.iso14443b : typeB) ? ["A106", "B106"] : ["A106"];
    const name = firmware.ic === 0x32 ? "PN532" : `PN5${firmware.ic.toString(16)}`;
    return {
      model: `${name} v${firmware.version}.${firmware.revision}`,
      supportsTypeB: firmware.support.iso14443b,
    };
  }

  /** Runs after each wake-up: capability check and a bounded activation retry count. */
  private async configure(exchange: Pn532Exchange): Promise<void> {
    this.active = undefined;
    this.firmwareResponse = await exchange(commands.getFirmwareVersion());
    const retries = this.options.passiveActivationRetries ?? 0x02;
    const reply = await exchange(
      commands.rfConfiguration({
        item: "maxRetries",
        atr: 0xff,
        psl: 0x01,
        passiveActivation: Math.min(retries, 0xfe),
      }),
    );
    this.parse(() => parseEmptyResponse(reply, "RFConfiguration"));
  }

  async poll(options: PollOptions): Promise<PollResult> {
    const deadline = this.clock.now() + options.timeoutMs;
    for (;;) {
      for (const modulation of this.modulations) {
        const found = await this.listOnce(modulation, options.signal);
        if (found) return found;
      }
      const left = deadline - this.clock.now();
      if (left <= 0) return { type: "none" };
      await this.sleep(Math.min(this.options.pollIntervalMs ?? 50, left), options.signal);
    }
  }

  private async listOnce(modulation: Modulation, signal?: AbortSignal): Promise<PollResult | undefined> {
    const maxTargets = modulation === "A106" && (this.options.detectCollision ?? true) ? 2 : 1;
    return this.session.run(async (exchange) => {
      const reply = await exchange(commands.inListPassiveTarget(modulation, maxTargets), { signal });
      const listed = this.parse(() => parseListedTargets(reply, modulation));
      if (listed.targets.length === 0) return undefined;
      if (listed.targets.length > 1) {
        this.active = undefined;
        await exchange(commands.inRelease(0));
        return { type: "collision", cards: listed.targets.length };
      }
      let card: CardDetected;
      if (listed.modulation === "A106") {
        const t = listed.targets[0]!;
        card = { type: "A", uid: t.uid, atqa: t.atqa, sak: t.sak, ...(t.ats ? { ats: t.ats } : {}) };
        this.active = { target: t.target, card };
      } else {
        const t = listed.targets[0]!;
        card = { type: "B", uid: Buffer.from(t.atqb.subarray(1, 5)), atqb: t.atqb, attribRes: t.attribRes };
        this.active = { target: t.target, card };
      }
      return card;
    }, signal);
  }

  async transmit(apdu: Buffer, options: { signal?: AbortSignal } = {}): Promise<ApduResponse> {
    const active = this.requireActive();
    const data = await this.session.run(async (exchange) => {
      // Host-side chaining (Tg MI bit) for commands longer than one DataOut.
      let offset = 0;
      while (apdu.length - offset > MAX_DATA_EXCHANGE_OUT) {
        const piece = apdu.subarray(offset, offset + MAX_DATA_EXCHANGE_OUT);
        const reply = await this.exchangeData(exchange, active.target, piece, true, options.signal);
        this.check(reply.status, "InDataExchange");
        offset += MAX_DATA_EXCHANGE_OUT;
      }
      let reply = await this.exchangeData(
        exchange,
        active.target,
        apdu.subarray(offset),
        false,
        options.signal,
      );
      const parts: Buffer[] = [];
      for (;;) {
        this.check(reply.status, "InDataExchange");
        parts.push(reply.data);
        if (!reply.status.moreInformation) break;
        // The response continues (MI): ask for the rest with an empty DataOut (libnfc pn53x_transceive).
        reply = await this.exchangeData(exchange, active.target, Buffer.alloc(0), false, options.signal);
      }
      return Buffer.concat(parts);
    }, options.signal);
    if (data.length < 2) {
      throw new DeviceProtocolError(this.device, `response APDU of ${data.length} bytes has no status word`);
    }
    return { data: data.subarray(0, data.length - 2), sw: data.readUInt16BE(data.length - 2) };
  }

  private async exchangeData(
    exchange: Pn532Exchange,
    target: number,
    data: Buffer,
    moreInformation: boolean,
    signal: AbortSignal | undefined,
  ) {
    const reply = await exchange(commands.inDataExchange(target, data, moreInformation), { signal });
    return this.parse(() => parseDataExchangeReply(reply));
  }

  /** Diagnose 06 (libnfc pn53x_Diagnose06): status 00 = still there; two tries before calling it gone. */
  async presence(): Promise<boolean> {
    if (!this.active) return false;
    for (let attempt = 0; attempt < 2; attempt++) {
      let status: Pn532Status;
      try {
        const reply = await this.session.send(commands.cardPresence());
        status = this.parse(() => parseStatusResponse(reply, "Diagnose"));
      } catch (error) {
        if (error instanceof DeviceTimeoutError && attempt === 0) continue;
        throw error;
      }
      if (status.errorClass === "ok") return true;
      if (status.errorClass === "card-removed") break;
      if (status.errorClass !== "rf-error" || attempt > 0) break;
    }
    this.active = undefined;
    return false;
  }

  async release(): Promise<void> {
    const target = this.active?.target ?? 0;
    this.active = undefined;
    const reply = await this.session.send(commands.inRelease(target));
    // A card that already left answers with an error status: it is released either way.
    this.parse(() => parseStatusResponse(reply, "InRelease"));
  }

  /** InDeselect: the card stays listed but leaves ISO 14443-4 (not part of ContactlessReader). */
  async deselect(): Promise<void> {
    const active = this.requireActive();
    const reply = await this.session.send(commands.inDeselect(active.target));
    this.check(
      this.parse(() => parseStatusResponse(reply, "InDeselect")),
      "InDeselect",
    );
  }

  get firmwareVersion(): FirmwareVersion | undefined {
    return this.firmware;
  }

  close(): Promise<void> {
    this.active = undefined;
    return this.session.close();
  }

  onDisconnect(listener: (error: Error) => void): () => void {
    return this.session.onDisconnect(listener);
  }

  private requireActive(): { target: number; card: CardDetected } {
    if (!this.active) throw new NoActiveCardError(this.device, "no card activated: poll first");
    return this.active;
  }

  /** Status byte → typed error: 01/2B card removed, RF errors, the rest as status errors. */
  private check(status: Pn532Status, what: string): void {
    switch (status.errorClass) {
      case "ok":
        return;
      case "card-removed":
        this.active = undefined;
        throw new CardRemovedError(
          this.device,
          `card removed during ${what} (status ${status.error.toString(16).padStart(2, "0")})`,
        );
      case "rf-error":
        throw new RfError(this.device, status, what);
      default:
        throw new Pn532StatusError(this.device, status, what);
    }
  }

  private parse<T>(decode: () => T): T {
    try {
      return decode();
    } catch (error) {
      if (error instanceof Pn532Error)
        throw new DeviceProtocolError(this.device, error.message, { cause: error });
      throw error;
    }
  }

  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new DeviceCancelledError(this.device, "poll cancelled"));
        return;
      }
      const onAbort = () => {
        this.clock.clearTimeout(timer);
        reject(new DeviceCancelledError(this.device, "poll cancelled"));
      };
      const timer = this.clock.setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
