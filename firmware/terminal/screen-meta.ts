import type { BilingualText, Key } from "./terminal-services.js";

/**
 * The screen a state names. Lines may carry placeholders the UI fills from the chart's context:
 * {type} transaction name, {amount} amount typed, {tip}, {total} amount + tip, {entry} digits typed into a
 * field, {message} the last service/operator message, {balance} the balance an inquiry returned, {function}
 * the function a role check is for, {user} the user number typed, {password} one asterisk per password
 * digit typed (never the digits).
 */
export interface ScreenMeta {
  title: BilingualText;
  lines: BilingualText[];
}

/** Every state's `meta`: its screen and, for each key the state reacts to, what the key does. */
export interface StateMeta {
  screen: ScreenMeta;
  keys: Partial<Record<Key, string>>;
}

export const SCREEN_PLACEHOLDERS = [
  "type",
  "amount",
  "tip",
  "total",
  "entry",
  "message",
  "balance",
  "function",
  "user",
  "password",
] as const;
export type ScreenPlaceholder = (typeof SCREEN_PLACEHOLDERS)[number];
