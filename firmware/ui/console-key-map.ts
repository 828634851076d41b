import type { Key } from "../terminal/terminal-services.js";

/** What `readline.emitKeypressEvents` reports for one key press. */
export interface KeypressInfo {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  sequence?: string;
}

/**
 * A console key press → a terminal key: digits, Enter, Esc (reported by readline after its 500 ms
 * escape-sequence wait) or q = Cancel, Backspace = Clear, m = Menu,
 * ↑/↓, F1/F2. "interrupt" for Ctrl-C (raw mode swallows SIGINT); undefined for keys the terminal lacks.
 */
export function consoleKey(
  text: string | undefined,
  info: KeypressInfo | undefined,
): Key | "interrupt" | undefined {
  const name = info?.name;
  if (info?.ctrl) return name === "c" ? "interrupt" : undefined;
  switch (name) {
    case "return":
    case "enter":
      return "enter";
    case "escape":
      return "cancel";
    case "backspace":
      return "clear";
    case "up":
    case "down":
    case "f1":
    case "f2":
      return name;
  }
  if (info?.meta) return undefined;
  if (text !== undefined && /^[0-9]$/.test(text)) return text as Key;
  if (text === "q" || text === "Q") return "cancel";
  if (text === "m" || text === "M") return "menu";
  return undefined;
}
