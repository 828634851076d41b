import type { CardEntry, Key } from "./terminal-services.js";

/**
 * What reaches the chart from outside: keypad presses, a card the reader saw while the terminal was idle,
 * the tamper switch, the key-injection tool's "re-keyed" signal and the printer's paper sensor.
 */
export type TerminalEvent =
  | { type: "KEY"; key: Key }
  | { type: "CARD_PRESENTED"; card: CardEntry }
  | { type: "TAMPER" }
  | { type: "REKEYED" }
  | { type: "PAPER_LOADED" };
