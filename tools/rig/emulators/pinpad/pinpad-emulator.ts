import type { ByteLink } from "../../../../drivers/link/byte-link.js";
import {
  decodeDeviceInfoCommand,
  deviceInfoResponse,
  type PinPadDeviceInfo,
} from "../../../../protocol/pinpad/commands/device-info.js";
import { decodeDisplayCommand } from "../../../../protocol/pinpad/commands/display.js";
import {
  type DecodedGetPin,
  decodeGetPinCommand,
  getPinResponse,
  isDukptMethod,
} from "../../../../protocol/pinpad/commands/get-pin.js";
import { decodeLoadWorkingKeyCommand } from "../../../../protocol/pinpad/commands/load-key.js";
import {
  notificationResponse,
  PIN_MASK_CHARACTER,
} from "../../../../protocol/pinpad/commands/notification.js";
import { decodeCloseCommand } from "../../../../protocol/pinpad/commands/open-close.js";
import { tamperEvent } from "../../../../protocol/pinpad/commands/tamper.js";
import { ACK, CAN, EOT, NAK } from "../../../../protocol/pinpad/control.js";
import { encodeFrame } from "../../../../protocol/pinpad/frame.js";
import { PinPadFrameDecoder } from "../../../../protocol/pinpad/frame-decoder.js";
import {
  decodeCommand,
  encodeResponse,
  type PinPadCommand,
  type PinPadResponse,
} from "../../../../protocol/pinpad/message.js";
import { PinPadCodecError } from "../../../../protocol/pinpad/pinpad-codec-error.js";
import { PINPAD_STATUS } from "../../../../protocol/pinpad/status.js";
import { Cardholder } from "./cardholder.js";
import { type DukptKeySet, PadKeyStore } from "./pad-key-store.js";
import { PinPadFaultPlan, type PinPadFaultRule } from "./pinpad-faults.js";

export interface PinPadEmulatorOptions {
  /** Master keys (TMK) by index. */
  masterKeys?: Record<number, Buffer>;
  /** DUKPT key sets (IPEK + initial KSN) by index. */
  dukpt?: DukptKeySet[];
  info?: Partial<PinPadDeviceInfo>;
  faults?: readonly PinPadFaultRule[];
  /** Unattended runs: the PIN the cardholder types for a PAN (undefined: wait for a script). */
  autoPin?: (pan: string) => string | Buffer | undefined;
}

export interface PinPadEmulatorCounters {
  commands: number;
  naksSent: number;
  naksReceived: number;
  cans: number;
  corruptReceived: number;
  pinEntries: number;
}

const DEFAULT_INFO: PinPadDeviceInfo = {
  manufacturer: "POS-RIG",
  model: "EMU-PINPAD-1",
  contactless: false,
  firmware: "1.0.0",
  specVersion: "2.12",
  manufacturerVersion: "rig",
  serialNumber: "EMU0000001",
};

/**
 * An ABECS-style PIN pad on the device end of a ByteLink, written against the same protocol/pinpad
 * codecs as the driver. It ACKs good packets and NAKs bad ones, resends its last response on NAK,
 * answers every CAN with EOT (dropping a PIN prompt), and builds enciphered PIN blocks with
 * protocol/crypto from a scripted cardholder. The PIN is held only in a Buffer, zeroed once used.
 */
export class PinPadEmulator {
  readonly cardholder = new Cardholder();
  readonly keys: PadKeyStore;
  readonly faults: PinPadFaultPlan;
  readonly counters: PinPadEmulatorCounters = {
    commands: 0,
    naksSent: 0,
    naksReceived: 0,
    cans: 0,
    corruptReceived: 0,
    pinEntries: 0,
  };
  /** Command ids in arrival order (ACKed or not), for assertions. */
  readonly received: string[] = [];
  private readonly info: PinPadDeviceInfo;
  private readonly decoder = new PinPadFrameDecoder();
  private link: ByteLink | undefined;
  private unsubscribe: (() => void)[] = [];
  private sessionOpen = false;
  private lastResponse: Buffer | undefined;
  private prompt: { cancelled: boolean } | undefined;
  private screen: [string, string] = ["", ""];
  private writing: Promise<void> = Promise.resolve();
  private tamperLatched = false;

  constructor(options: PinPadEmulatorOptions = {}) {
    const storeOptions: ConstructorParameters<typeof PadKeyStore>[0] = {};
    if (options.masterKeys) storeOptions.masterKeys = options.masterKeys;
    if (options.dukpt) storeOptions.dukpt = options.dukpt;
    this.keys = new PadKeyStore(storeOptions);
    this.info = { ...DEFAULT_INFO, ...options.info };
    this.faults = new PinPadFaultPlan(options.faults);
    this.cardholder.autoPin = options.autoPin;
  }

  /** What the display shows now. */
  get display(): [string, string] {
    return [...this.screen];
  }

  get isSessionOpen(): boolean {
    return this.sessionOpen;
  }

  /** True while a PIN prompt is up. */
  get promptingForPin(): boolean {
    return this.prompt !== undefined;
  }

  /** Connects the pad to (the device end of) a link, replacing any earlier one. */
  attach(link: ByteLink): void {
    this.detach();
    this.link = link;
    this.unsubscribe = [
      link.onData((chunk) => this.receive(chunk)),
      link.onClose(() => {
        if (this.link === link) this.detach();
      }),
    ];
  }

  /** True from a tamper until the pad is re-keyed. */
  get tampered(): boolean {
    return this.tamperLatched;
  }

  /**
   * The tamper switch trips (case opened, mesh cut): the pad drops any PIN prompt, erases every key and
   * reports at once with an unsolicited TMP frame; the latch repeats the report on each OPN until
   * `rekey`, so a terminal whose link was down at the time still learns of it.
   */
  tamper(): void {
    this.dropPrompt();
    this.keys.zeroize();
    this.tamperLatched = true;
    this.respond(tamperEvent(), false);
  }

  /** Key injection after a tamper: master keys (and DUKPT sets) loaded again; the latch clears. */
  rekey(masterKeys: Record<number, Buffer>, dukpt: readonly DukptKeySet[] = []): void {
    for (const [index, key] of Object.entries(masterKeys)) this.keys.loadMasterKey(Number(index), key);
    for (const set of dukpt) this.keys.loadDukpt(set);
    this.tamperLatched = false;
  }

  /** Loses power: prompt dropped, session closed, volatile state cleared, link gone. Keys survive. */
  async powerCycle(): Promise<void> {
    const link = this.link;
    this.detach();
    this.sessionOpen = false;
    this.screen = ["", ""];
    await link?.close();
  }

  private detach(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.link = undefined;
    this.decoder.reset();
    this.lastResponse = undefined;
    this.dropPrompt();
  }

  private dropPrompt(): void {
    if (this.prompt) this.prompt.cancelled = true;
    this.prompt = undefined;
    this.cardholder.abandon();
  }

  private receive(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      switch (event.type) {
        case "control":
          if (event.byte === CAN) this.onCancel();
          else if (event.byte === NAK) this.onNak();
          break;
        case "bad-crc":
        case "bad-frame":
          this.counters.corruptReceived++;
          this.counters.naksSent++;
          this.send(Buffer.from([NAK]));
          break;
        case "frame":
          this.onPacket(event.data);
          break;
        default:
          break;
      }
    }
  }

  /** CAN: always EOT (even idle), dropping whatever blocking command runs — unless a fault loses it. */
  private onCancel(): void {
    if (this.faults.take("lose-can")) return;
    this.counters.cans++;
    this.dropPrompt();
    this.send(Buffer.from([EOT]));
  }

  private onNak(): void {
    this.counters.naksReceived++;
    if (this.lastResponse) this.sendResponseFrame(this.lastResponse, this.lastId());
  }

  private lastId(): string {
    return this.lastResponse ? this.lastResponse.subarray(0, 3).toString("latin1") : "";
  }

  private onPacket(data: Buffer): void {
    let command: PinPadCommand;
    try {
      command = decodeCommand(data);
    } catch {
      // Good CRC but no command in it: ACK the packet, refuse the content.
      this.send(Buffer.from([ACK]));
      this.respond({ id: "ERR", status: PINPAD_STATUS.INVALID_PARAMETER, blocks: [] });
      return;
    }
    this.received.push(command.id);
    if (this.faults.take("no-ack", command.id)) return;
    if (this.faults.take("nak", command.id)) {
      this.counters.naksSent++;
      this.send(Buffer.from([NAK]));
      return;
    }
    this.send(Buffer.from([ACK]));
    this.counters.commands++;
    const forced = this.faults.take("status", command.id);
    if (forced) {
      this.respond({ id: command.id, status: forced.status, blocks: [] });
      return;
    }
    void this.execute(command).catch((error: unknown) => {
      const status =
        error instanceof PinPadCodecError ? PINPAD_STATUS.INVALID_PARAMETER : PINPAD_STATUS.INTERNAL_ERROR;
      this.respond({ id: command.id, status, blocks: [] });
    });
  }

  private async execute(command: PinPadCommand): Promise<void> {
    if (command.id !== "OPN" && !this.sessionOpen) {
      this.respond({ id: command.id, status: PINPAD_STATUS.INVALID_CALL, blocks: [] });
      return;
    }
    if (this.prompt) {
      // One blocking command at a time: anything else while the PIN prompt is up is refused.
      this.respond({ id: command.id, status: PINPAD_STATUS.INVALID_CALL, blocks: [] });
      return;
    }
    switch (command.id) {
      case "OPN":
        this.sessionOpen = true;
        this.screen = ["", ""];
        if (this.tamperLatched) this.respond(tamperEvent(), false);
        return this.ok("OPN");
      case "CLO": {
        const { idle } = decodeCloseCommand(command);
        this.sessionOpen = false;
        this.screen = idle ?? ["", ""];
        return this.ok("CLO");
      }
      case "DSP":
        this.screen = decodeDisplayCommand(command) ?? ["", ""];
        return this.ok("DSP");
      case "GIN":
        if (decodeDeviceInfoCommand(command) !== 0) {
          return this.respond({ id: "GIN", status: PINPAD_STATUS.INVALID_PARAMETER, blocks: [] });
        }
        return this.respond(deviceInfoResponse(this.info));
      case "LWK": {
        const params = decodeLoadWorkingKeyCommand(command);
        try {
          return this.respond({ id: "LWK", status: this.keys.loadWorkingKey(params), blocks: [] });
        } finally {
          params.ciphertext.fill(0);
        }
      }
      case "GPN":
        return this.getPin(decodeGetPinCommand(command));
      default:
        return this.respond({ id: "ERR", status: PINPAD_STATUS.INVALID_CALL, blocks: [] });
    }
  }

  private async getPin(request: DecodedGetPin): Promise<void> {
    const method = isDukptMethod(request.method) ? "dukpt" : "mkwk";
    // Single-DES methods and per-command working keys are outside this profile.
    if (request.method === 0 || request.method === 2 || request.workingKeyCiphertext.some((b) => b !== 0)) {
      return this.respond({ id: "GPN", status: PINPAD_STATUS.INVALID_PARAMETER, blocks: [] });
    }
    if (!this.keys.hasPinKey(method, request.keyIndex)) {
      return this.respond({ id: "GPN", status: PINPAD_STATUS.KEY_MISSING, blocks: [] });
    }
    const prompt = { cancelled: false };
    this.prompt = prompt;
    this.screen = request.prompt;
    if (this.faults.take("power-cycle", "GPN")) {
      await this.powerCycle();
      return;
    }
    const action = await this.cardholder.next(request.pan);
    if (prompt.cancelled || action.kind === "abandoned") {
      if (action.kind === "pin") action.digits.fill(0);
      return;
    }
    this.prompt = undefined;
    if (action.kind === "cancel")
      return this.respond({ id: "GPN", status: PINPAD_STATUS.CANCELLED, blocks: [] });
    if (action.kind === "timeout")
      return this.respond({ id: "GPN", status: PINPAD_STATUS.TIMEOUT, blocks: [] });
    const pin = action.digits;
    try {
      if (
        pin.length < request.minLength ||
        pin.length > request.maxLength ||
        pin.some((b) => b < 0x30 || b > 0x39)
      ) {
        return this.respond({ id: "GPN", status: PINPAD_STATUS.INVALID_PARAMETER, blocks: [] });
      }
      for (let typed = 1; typed <= pin.length; typed++) {
        this.respond(notificationResponse([request.prompt[0], PIN_MASK_CHARACTER.repeat(typed)]), false);
      }
      const result = this.keys.encipherPin(method, request.keyIndex, pin, request.pan);
      if (result.status !== 0) return this.respond({ id: "GPN", status: result.status, blocks: [] });
      this.counters.pinEntries++;
      this.respond(getPinResponse({ pinBlock: result.pinBlock, ksn: result.ksn }));
    } finally {
      pin.fill(0);
    }
  }

  private ok(id: string): void {
    this.respond({ id, status: PINPAD_STATUS.OK, blocks: [] });
  }

  /** Sends a response; `remember` makes it the one a NAK asks for again (notifications are not). */
  private respond(response: PinPadResponse, remember = true): void {
    const data = encodeResponse(response);
    if (remember) this.lastResponse = data;
    this.sendResponseFrame(data, response.id);
  }

  private sendResponseFrame(data: Buffer, id: string): void {
    const frame = encodeFrame(data);
    if (this.faults.take("corrupt-response", id)) frame[frame.length - 1]! ^= 0xff;
    this.send(frame);
  }

  /** Writes in order, one after the other, as a UART would (a split write must not interleave). */
  private send(bytes: Buffer): void {
    const link = this.link;
    if (!link?.isOpen) return;
    this.writing = this.writing
      .then(() => (link.isOpen ? link.write(bytes) : undefined))
      .catch(() => undefined);
  }
}
