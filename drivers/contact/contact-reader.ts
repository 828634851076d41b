import type { ApduResponse, Atr, CommandApdu } from "../../protocol/iso7816/index.js";
import { DeviceError, DeviceProtocolError } from "../core/device-error.js";

/**
 * The contact (ISO 7816) card reader as the EMV kernel sees it: card movements, power on with the
 * parsed ATR and the protocol chosen, APDUs in and `{data, sw}` out (T=0 GET RESPONSE / 6Cxx handling and
 * T=1 block chaining done below this interface), power off. Implementations: CCID over serial
 * (ccid-contact-reader.ts); a PC/SC backend could sit behind the same interface.
 */
export type CardProtocol = "T=0" | "T=1";

export interface PowerOnResult {
  atr: Atr;
  protocol: CardProtocol;
}

export type CardSlotEvent = { type: "inserted" } | { type: "removed" };

export interface CommandOptions {
  signal?: AbortSignal;
}

export interface ContactCardReader {
  open(): Promise<void>;
  close(): Promise<void>;
  /** Card in the slot as last reported (undefined before open). */
  readonly cardPresent: boolean | undefined;
  /** Insert/remove notifications (NotifySlotChange); returns the unsubscribe function. */
  onCardEvent(listener: (event: CardSlotEvent) => void): () => void;
  /** The same events as an async iterator; ends when `signal` aborts or the reader is closed. */
  cardEvents(signal?: AbortSignal): AsyncIterableIterator<CardSlotEvent>;
  powerOn(options?: CommandOptions): Promise<PowerOnResult>;
  transmit(apdu: Uint8Array | CommandApdu, options?: CommandOptions): Promise<ApduResponse>;
  powerOff(options?: CommandOptions): Promise<void>;
}

/** No card in the slot when one is needed. */
export class NoCardError extends DeviceError {}

/** The card left the slot while a command was running (or since it was powered). */
export class CardRemovedError extends DeviceError {}

/** The card gave no ATR, or stopped answering (bError FE with a card present). */
export class MuteCardError extends DeviceError {}

/** The ATR was refused by the reader (bError F7 bad TCK / F8 bad TS) or does not parse. */
export class BadAtrError extends DeviceError {}

/** The card is present but not powered (never powered, powered off, or the reader reset after port loss). */
export class CardNotPoweredError extends DeviceError {}

/** The reader reported a slot error not covered above; `bError` is the CCID code. */
export class CardReaderError extends DeviceProtocolError {
  constructor(
    device: string,
    message: string,
    readonly bError: number,
  ) {
    super(device, message);
  }
}
