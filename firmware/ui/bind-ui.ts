import type { TerminalContext } from "../terminal/terminal-context.js";
import type { TerminalEvent } from "../terminal/terminal-events.js";
import type { Keypad } from "./keypad.js";
import type { Screen } from "./screen.js";
import { type TerminalSnapshotLike, terminalView } from "./terminal-view.js";

/** The parts of a running terminal actor the UI needs (an xstate `Actor<TerminalMachine>` fits). */
export interface TerminalActorLike {
  getSnapshot(): TerminalSnapshotLike & { context: TerminalContext };
  subscribe(listener: (snapshot: TerminalSnapshotLike) => void): { unsubscribe(): void };
  send(event: TerminalEvent): void;
}

/**
 * Shows the screen of every state the actor enters (only when the view changes) and sends each key press
 * to the chart. Returns the function that unbinds both.
 */
export function bindUi(actor: TerminalActorLike, screen: Screen, keypad: Keypad): () => void {
  let shown = "";
  const render = (snapshot: TerminalSnapshotLike) => {
    const view = terminalView(snapshot);
    const serialized = JSON.stringify(view);
    if (serialized === shown) return;
    shown = serialized;
    screen.show(view);
  };
  render(actor.getSnapshot());
  const subscription = actor.subscribe(render);
  const stopKeys = keypad.onKey((key) => actor.send({ type: "KEY", key }));
  return () => {
    subscription.unsubscribe();
    stopKeys();
  };
}
