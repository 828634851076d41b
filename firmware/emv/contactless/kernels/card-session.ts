import type { ApduChannel } from "../../shared/apdu-channel.js";

/**
 * The card left the field or stopped answering (transmit rejected or aborted). The kernel turns it
 * into Try Again (Start B); the terminal asks for the same card.
 */
export class CardGoneError extends Error {
  override name = "CardGoneError";
  constructor(
    readonly command: string,
    options: { cause?: unknown } = {},
  ) {
    super(`card gone during ${command}`, options);
  }
}

/** Card data that breaks the kernel's rules (missing mandatory object, malformed response). */
export class KernelDataError extends Error {
  override name = "KernelDataError";
  constructor(
    readonly path: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${path}: ${message}`, options);
  }
}

/** APDUs through the channel, timing the card-in-field window (first command → last answer). */
export class CardSession {
  firstAt: number | undefined;
  lastAt: number | undefined;
  commands = 0;

  constructor(
    private readonly channel: ApduChannel,
    private readonly timer: () => number,
    private readonly signal?: AbortSignal,
  ) {}

  async send(apdu: Buffer, command: string): Promise<{ data: Buffer; sw: number }> {
    this.firstAt ??= this.timer();
    try {
      if (this.signal?.aborted) throw this.signal.reason ?? new Error("aborted");
      const response = this.signal
        ? await this.channel.transmit(apdu, { signal: this.signal })
        : await this.channel.transmit(apdu);
      this.commands += 1;
      return response;
    } catch (error) {
      throw new CardGoneError(command, { cause: error });
    } finally {
      this.lastAt = this.timer();
    }
  }

  /** Card-in-field time so far. */
  get elapsedMs(): number {
    return this.firstAt === undefined || this.lastAt === undefined ? 0 : this.lastAt - this.firstAt;
  }
}
