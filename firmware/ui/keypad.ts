import type { Key } from "../terminal/terminal-services.js";

export type KeyListener = (key: Key) => void;

/** The terminal's keys: the console for the rig, GPIO/matrix keys or the PIN pad's function keys on a board. */
export interface Keypad {
  /** Calls `listener` for every key press; returns the function that stops it. */
  onKey(listener: KeyListener): () => void;
}
