import type { BilingualText } from "../terminal/terminal-services.js";

/** One screenful: the state's title and lines with the dynamic parts filled in, and the state's name. */
export interface ScreenView {
  /** The chart state shown (for logs, tests and the rig's status line; not shown to the cardholder). */
  state: string;
  title: BilingualText;
  lines: BilingualText[];
}

/** Anything that can show the terminal's screen: the console for the rig, an LCD on a board. */
export interface Screen {
  show(view: ScreenView): void;
}
