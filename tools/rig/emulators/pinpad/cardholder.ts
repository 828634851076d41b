/**
 * The person at the pad, as a script: what they will do at the next PIN prompt. Actions queue up in
 * order; with none queued, `autoPin` answers for unattended runs (a PIN per PAN); with neither, the
 * prompt waits until the test scripts something. A PIN given as a Buffer is taken over (the emulator
 * zeroes it after use); one given as a string (test convenience) is copied into a Buffer at once.
 */
export type CardholderAction =
  | { kind: "pin"; digits: Buffer }
  | { kind: "cancel" }
  | { kind: "timeout" }
  /** The prompt went away (CAN, power cycle, link lost) before the cardholder acted. */
  | { kind: "abandoned" };

export type AutoPin = (pan: string) => string | Buffer | undefined;

export class Cardholder {
  private readonly actions: CardholderAction[] = [];
  private waiter: ((action: CardholderAction) => void) | undefined;
  autoPin: AutoPin | undefined;

  /** Types these digits and presses Enter at the next prompt. */
  enterPin(pin: string | Buffer): void {
    this.push({ kind: "pin", digits: Buffer.isBuffer(pin) ? pin : Buffer.from(pin, "latin1") });
  }

  /** Presses Cancel at the next prompt (the pad answers 013). */
  cancelByCardholder(): void {
    this.push({ kind: "cancel" });
  }

  /** Walks away: the pad's own timer runs out (012). */
  timeout(): void {
    this.push({ kind: "timeout" });
  }

  /** True while a prompt waits for a scripted action. */
  get waiting(): boolean {
    return this.waiter !== undefined;
  }

  /** The action for a prompt showing for `pan`. */
  next(pan: string): Promise<CardholderAction> {
    const queued = this.actions.shift();
    if (queued) return Promise.resolve(queued);
    const auto = this.autoPin?.(pan);
    if (auto !== undefined) {
      return Promise.resolve({
        kind: "pin",
        digits: Buffer.isBuffer(auto) ? auto : Buffer.from(auto, "latin1"),
      });
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Ends a waiting prompt without an action. */
  abandon(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.({ kind: "abandoned" });
  }

  /** Forgets queued actions, wiping queued PINs. */
  clear(): void {
    for (const action of this.actions.splice(0)) if (action.kind === "pin") action.digits.fill(0);
  }

  private push(action: CardholderAction): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter(action);
    } else {
      this.actions.push(action);
    }
  }
}
