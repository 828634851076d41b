/**
 * The password digits an operator types on the terminal, kept outside the chart's context.
 *
 * Why not in the context: xstate snapshots are values the application persists, logs and inspects
 * (getPersistedSnapshot, inspection, the UI's view); a password there would be a JS string or a Buffer
 * serialised into JSON. The context holds only how many digits were typed (the screen's asterisks); the
 * digits themselves sit in one fixed Buffer per running terminal (keyed by the actor system, which the
 * chart's actions and its invoked `authorize` actor share), written in place and zeroed on every way out.
 */
import { MAX_PASSWORD_DIGITS } from "../admin/password-policy.js";
import type { DigitKey } from "./terminal-services.js";

export const PASSWORD_MAX_DIGITS = MAX_PASSWORD_DIGITS;

/** One authorization attempt's digits, ASCII "0".."9" as UserStore verifies them. */
export class PasswordEntry {
  // Buffer.alloc never hands out a slice of Node's shared pool: fill(0) reaches the only copy.
  private readonly digits = Buffer.alloc(PASSWORD_MAX_DIGITS);
  private typed = 0;

  get length(): number {
    return this.typed;
  }

  /** A digit key: ignored once the field is full (the chart's count caps the same way). */
  type(digit: DigitKey): void {
    if (this.typed >= PASSWORD_MAX_DIGITS) return;
    this.digits[this.typed++] = 0x30 + Number(digit);
  }

  /** The Clear key: the last digit goes, and its byte is zeroed. */
  erase(): void {
    if (this.typed === 0) return;
    this.digits[--this.typed] = 0;
  }

  /**
   * The digits typed, in a fresh Buffer that the caller zeroes once the check settles; the entry itself
   * is wiped at once, so the only copy left is the caller's.
   */
  take(): Buffer {
    const password = Buffer.alloc(this.typed);
    this.digits.copy(password, 0, 0, this.typed);
    this.wipe();
    return password;
  }

  wipe(): void {
    this.digits.fill(0);
    this.typed = 0;
  }
}

/**
 * Which password a field holds: the role check's, or one of the three a password change asks for (the
 * current one, the new one, the new one again).
 */
export type PasswordSlot = "auth" | "current" | "next" | "repeat";
export const CHANGE_SLOTS = ["current", "next", "repeat"] as const satisfies readonly PasswordSlot[];

/** The password entries of each running terminal (one actor system each); gone with the system. */
export class PasswordEntries {
  private readonly bySystem = new WeakMap<object, Map<PasswordSlot, PasswordEntry>>();

  of(system: object, slot: PasswordSlot = "auth"): PasswordEntry {
    let slots = this.bySystem.get(system);
    if (!slots) {
      slots = new Map();
      this.bySystem.set(system, slots);
    }
    let entry = slots.get(slot);
    if (!entry) {
      entry = new PasswordEntry();
      slots.set(slot, entry);
    }
    return entry;
  }
}
