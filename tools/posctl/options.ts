import { fromHex } from "../../protocol/hex.js";
import { UsageError } from "./cli-error.js";

/**
 * Flag parsing for posctl commands. Values are checked inside the command's `action()` wrapper (not in
 * commander's argParser, whose own error echoes the raw value back — a key, for a key flag), so every
 * complaint is one line naming the flag and ends in exit status 2. Messages never repeat the value.
 */

/** A flag that must be present: commander's requiredOption cannot be used where subcommands share flags. */
export function requireFlag<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new UsageError(`missing ${flag}`);
  return value;
}

/**
 * Strict hex → a fresh Buffer the caller owns (and wipes, for keys). `lengths`, when given, lists the
 * byte lengths the flag accepts.
 */
export function hexFlag(text: string, flag: string, lengths?: readonly number[]): Buffer {
  const bytes = fromHex(text, flag);
  if (lengths && !lengths.includes(bytes.length)) {
    bytes.fill(0);
    throw new UsageError(`${flag} must be ${byteLengths(lengths)}, got ${bytes.length}`);
  }
  return bytes;
}

function byteLengths(lengths: readonly number[]): string {
  const list =
    lengths.length === 1 ? `${lengths[0]}` : `${lengths.slice(0, -1).join(", ")} or ${lengths.at(-1)}`;
  return `${list} bytes`;
}

/** A decimal integer in [min, max]; no signs, no exponents, no hex. */
export function integerFlag(text: string, flag: string, range: { min: number; max: number }): number {
  if (!/^[0-9]{1,9}$/.test(text)) throw new UsageError(`${flag} must be a decimal integer`);
  const value = Number(text);
  if (value < range.min || value > range.max) {
    throw new UsageError(`${flag} must be ${range.min}..${range.max}, got ${value}`);
  }
  return value;
}

/** One of a fixed set of words, compared case-insensitively; returns the canonical spelling. */
export function choiceFlag<T extends string>(text: string, flag: string, choices: readonly T[]): T {
  const found = choices.find((choice) => choice.toLowerCase() === text.toLowerCase());
  if (found === undefined) throw new UsageError(`${flag} must be one of ${choices.join(", ")}`);
  return found;
}

/** Refuses a flag that has no meaning in the chosen mode, rather than silently ignoring it. */
export function rejectFlag(value: unknown, flag: string, reason: string): void {
  if (value !== undefined) throw new UsageError(`${flag} ${reason}`);
}
