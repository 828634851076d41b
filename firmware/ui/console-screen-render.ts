/**
 * Text renderings of a screen for the console: a bordered two-language box for a terminal window, and
 * plain lines for logs and pipes.
 */
import type { ScreenView } from "./screen.js";

/** Columns a string takes in a terminal: CJK ideographs and full-width forms take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x20000 && code <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

const MIN_INNER_WIDTH = 30;

/** The box, one string per row: title (zh, en), a rule, each line (zh, en), the state name in the bottom border. */
export function renderBox(view: ScreenView): string[] {
  const texts = [view.title, ...view.lines].flatMap((text) => [text.zh, text.en]);
  const inner = Math.max(
    MIN_INNER_WIDTH,
    view.state.length + 4,
    ...texts.map((text) => displayWidth(text) + 2),
  );
  const row = (text: string) => `│ ${text}${" ".repeat(inner - 1 - displayWidth(text))}│`;
  const label = ` ${view.state} `;
  return [
    `┌${"─".repeat(inner)}┐`,
    row(view.title.zh),
    row(view.title.en),
    `├${"─".repeat(inner)}┤`,
    ...view.lines.flatMap((line) => [row(line.zh), row(line.en)]),
    `└${"─".repeat(inner - label.length - 1)}${label}─┘`,
  ];
}

/** Plain lines: `[state] 标题 | Title`, then each line indented, Chinese | English. */
export function renderPlain(view: ScreenView): string[] {
  return [
    `[${view.state}] ${view.title.zh} | ${view.title.en}`,
    ...view.lines.map((line) => `  ${line.zh} | ${line.en}`),
  ];
}
