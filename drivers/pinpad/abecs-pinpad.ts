import { decodeDeviceInfo, deviceInfoCommand } from "../../protocol/pinpad/commands/device-info.js";
import { displayCommand } from "../../protocol/pinpad/commands/display.js";
import { decodeGetPinResponse, getPinCommand, PIN_METHOD } from "../../protocol/pinpad/commands/get-pin.js";
import { loadWorkingKeyCommand } from "../../protocol/pinpad/commands/load-key.js";
import { maskedDigitCount } from "../../protocol/pinpad/commands/notification.js";
import { closeCommand, openCommand } from "../../protocol/pinpad/commands/open-close.js";
import type { PinPadCommand, PinPadResponse } from "../../protocol/pinpad/message.js";
import { PinPadCodecError } from "../../protocol/pinpad/pinpad-codec-error.js";
import type { Clock } from "../core/clock.js";
import { DeviceError, DeviceProtocolError } from "../core/device-error.js";
import type { LinkOpener } from "../link/byte-link.js";
import type {
  PinBlock,
  PinEntryProgress,
  PinKeyManagement,
  PinPad,
  PinPadInfo,
  PinRequest,
  WorkingKeyLoad,
} from "./pinpad-driver.js";
import { pinPadStatusError } from "./pinpad-errors.js";
import { type ExchangeOptions, PinPadSession, type PinPadSessionOptions } from "./pinpad-session.js";

export interface AbecsPinPadOptions {
  opener: LinkOpener;
  clock?: Clock;
  device?: string;
  trace?: PinPadSessionOptions["trace"];
  /** Default key management and slot for getPin (MK/WK slot 0). */
  keyManagement?: PinKeyManagement;
  keySlot?: number;
  /** Master key index for loadWorkingKey (0). */
  masterKeyIndex?: number;
  /** Digits typed, for the terminal's screen. */
  onPinEntry?: (event: PinEntryProgress) => void;
  /** Extra host wait beyond the cardholder's time, for the pad's own 012 to arrive (10 s). */
  pinGraceMs?: number;
  /** Session timing overrides (ABECS defaults). */
  ackTimeoutMs?: number;
  responseTimeoutMs?: number;
  canTimeoutMs?: number;
}

const DEFAULT_PROMPT: readonly [string, string?] = ["ENTER PIN", ""];
const DEFAULT_PIN_TIMEOUT_MS = 60_000;

/**
 * The PinPad interface over the ABECS-style protocol. Keeps no secrets: working keys pass through as
 * ciphertext, PIN blocks come back enciphered. After a lost link it reopens on the next call and
 * sends OPN again before that call's command (when the app had opened the pad).
 */
export class AbecsPinPad implements PinPad {
  readonly session: PinPadSession;
  private readonly device: string;
  private opened = false;
  private readonly tamperListeners = new Set<() => void>();

  constructor(private readonly options: AbecsPinPadOptions) {
    this.device = options.device ?? "pinpad";
    const sessionOptions: PinPadSessionOptions = {
      opener: options.opener,
      device: this.device,
      onReopen: async (exchange) => {
        if (!this.opened) return;
        this.check(await exchange(openCommand()), "OPN");
      },
      onTamper: () => {
        for (const listener of this.tamperListeners) listener();
      },
    };
    for (const key of ["clock", "trace", "ackTimeoutMs", "responseTimeoutMs", "canTimeoutMs"] as const) {
      if (options[key] !== undefined) Object.assign(sessionOptions, { [key]: options[key] });
    }
    this.session = new PinPadSession(sessionOptions);
  }

  async open(): Promise<void> {
    await this.run(openCommand());
    this.opened = true;
  }

  async display(lines?: readonly [string, string?]): Promise<void> {
    await this.run(displayCommand(lines));
  }

  async loadWorkingKey(key: WorkingKeyLoad): Promise<void> {
    await this.run(
      loadWorkingKeyCommand({
        slot: key.slot,
        masterKeyIndex: key.masterKeyIndex ?? this.options.masterKeyIndex ?? 0,
        usage: key.usage,
        ciphertext: key.ciphertext,
        kcv: key.kcv,
      }),
    );
  }

  async getPin(request: PinRequest): Promise<PinBlock> {
    const keyManagement = request.keyManagement ?? this.options.keyManagement ?? "mkwk";
    const timeoutMs = request.timeoutMs ?? DEFAULT_PIN_TIMEOUT_MS;
    // Bad arguments (PAN not digits, lengths out of 4..12) throw the codec's PinPadCodecError here.
    const command = getPinCommand({
      method: keyManagement === "dukpt" ? PIN_METHOD.dukptTdes : PIN_METHOD.mkwkTdes,
      keyIndex: request.keySlot ?? this.options.keySlot ?? 0,
      pan: request.pan,
      minLength: request.minLength ?? 4,
      maxLength: request.maxLength ?? 12,
      prompt: request.prompt ?? DEFAULT_PROMPT,
      timeoutSeconds: Math.min(999, Math.ceil(timeoutMs / 1000)),
    });
    const onPinEntry = request.onPinEntry ?? this.options.onPinEntry;
    const exchange: ExchangeOptions = {
      responseTimeoutMs: timeoutMs + (this.options.pinGraceMs ?? 10_000),
      onNotification: (lines) => onPinEntry?.({ digitsEntered: maskedDigitCount(lines), lines }),
    };
    if (request.signal) exchange.signal = request.signal;
    const response = await this.run(command, exchange);
    const { pinBlock, ksn } = this.decode(() => decodeGetPinResponse(response), "GPN");
    if (keyManagement === "dukpt") return { block: pinBlock, format: 0, keyManagement, ksn };
    ksn.fill(0);
    return { block: pinBlock, format: 0, keyManagement };
  }

  cancel(): Promise<void> {
    return this.session.cancel();
  }

  /** Calls `listener` each time the pad reports tamper (unsolicited TMP); returns the unsubscribe. */
  onTamper(listener: () => void): () => void {
    this.tamperListeners.add(listener);
    return () => this.tamperListeners.delete(listener);
  }

  async info(): Promise<PinPadInfo> {
    const response = await this.run(deviceInfoCommand());
    return this.decode(() => decodeDeviceInfo(response), "GIN");
  }

  /** CLO (best effort: the link may already be gone), then the link itself. */
  async close(): Promise<void> {
    try {
      if (this.session.isOpen && this.opened) await this.run(closeCommand());
    } catch (error) {
      if (!(error instanceof DeviceError)) throw error;
    } finally {
      this.opened = false;
      await this.session.close();
    }
  }

  private async run(command: PinPadCommand, options: ExchangeOptions = {}): Promise<PinPadResponse> {
    return this.check(await this.session.exchange(command, options), command.id);
  }

  private check(response: PinPadResponse, id: string): PinPadResponse {
    if (response.status !== 0) throw pinPadStatusError(this.device, id, response.status);
    if (response.id !== id) {
      throw new DeviceProtocolError(this.device, `${id} answered by ${response.id} with status 000`);
    }
    return response;
  }

  private decode<T>(parse: () => T, id: string): T {
    try {
      return parse();
    } catch (error) {
      if (error instanceof PinPadCodecError) {
        throw new DeviceProtocolError(this.device, `malformed ${id} response: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
