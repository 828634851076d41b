/**
 * A chart snapshot → the screen to show: the state's `meta.screen` with its placeholders filled from the
 * context (amount being typed, the last message, the balance…).
 */
import { digitsToFen, formatFen } from "../terminal/digit-entry.js";
import { SCREEN_PLACEHOLDERS, type ScreenPlaceholder, type StateMeta } from "../terminal/screen-meta.js";
import { ADMIN_FUNCTION_NAMES, TRANSACTION_NAMES } from "../terminal/screens.js";
import { AUTHORIZED_STEPS, amountOf, type TerminalContext, totalOf } from "../terminal/terminal-context.js";
import type { BilingualText } from "../terminal/terminal-services.js";
import type { ScreenView } from "./screen.js";

/** The parts of an xstate snapshot of the terminal machine the view needs. */
export interface TerminalSnapshotLike {
  value: unknown;
  context: TerminalContext;
  getMeta(): Record<string, StateMeta | undefined>;
}

type Language = keyof BilingualText;

function placeholder(name: ScreenPlaceholder, context: TerminalContext, language: Language): string {
  switch (name) {
    case "type":
      return TRANSACTION_NAMES[context.type][language];
    case "amount":
      return formatFen(amountOf(context));
    case "tip":
      return formatFen(digitsToFen(context.tipDigits));
    case "total":
      return formatFen(totalOf(context));
    case "entry":
      return `${context.entry}_`;
    case "message":
      return context.message?.[language] ?? "";
    case "balance":
      return context.outcome?.balance === undefined ? "-" : formatFen(context.outcome.balance);
    case "function":
      return context.auth ? ADMIN_FUNCTION_NAMES[AUTHORIZED_STEPS[context.auth.step].fn][language] : "";
    case "user":
      return context.auth?.userId ?? "";
    case "password":
      // Only the count of digits is in the context: the screen cannot show what it does not have.
      return `${"*".repeat(context.passwordLength)}_`;
  }
}

function fill(text: BilingualText, context: TerminalContext): BilingualText {
  const one = (language: Language) =>
    text[language].replace(/\{(\w+)\}/g, (whole, name: string) =>
      isPlaceholder(name) ? placeholder(name, context, language) : whole,
    );
  return { zh: one("zh"), en: one("en") };
}

const PLACEHOLDER_NAMES = new Set<string>(SCREEN_PLACEHOLDERS);
function isPlaceholder(name: string): name is ScreenPlaceholder {
  return PLACEHOLDER_NAMES.has(name);
}

export function terminalView(snapshot: TerminalSnapshotLike, machineId = "terminal"): ScreenView {
  const state = typeof snapshot.value === "string" ? snapshot.value : JSON.stringify(snapshot.value);
  const meta = snapshot.getMeta()[`${machineId}.${state}`];
  if (meta === undefined) {
    return { state, title: { zh: state, en: state }, lines: [] };
  }
  return {
    state,
    title: fill(meta.screen.title, snapshot.context),
    lines: meta.screen.lines.map((line) => fill(line, snapshot.context)),
  };
}
