import { emitKeypressEvents } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Key } from "../terminal/terminal-services.js";
import { consoleKey, type KeypressInfo } from "./console-key-map.js";
import { renderBox, renderPlain } from "./console-screen-render.js";
import type { KeyListener, Keypad } from "./keypad.js";
import type { Screen, ScreenView } from "./screen.js";

export interface ConsoleUiOptions {
  /**
   * "tty": the bordered screen, redrawn in place on every change; "plain": each new screen printed once
   * as lines (logs, pipes, tests). Default: "tty" when the output is a terminal.
   */
  mode?: "tty" | "plain";
  /** Ctrl-C: in raw mode it no longer raises SIGINT, so the owner decides (e.g. shut the terminal down). */
  onInterrupt?: () => void;
}

type RawInput = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
type TtyOutput = Writable & { isTTY?: boolean };

const CLEAR_AND_HOME = "\x1b[2J\x1b[H";

/** The rig's screen and keypad on a console: keys typed on `input`, the screen drawn on `output`. */
export class ConsoleUi implements Screen, Keypad {
  readonly mode: "tty" | "plain";
  private readonly listeners = new Set<KeyListener>();
  private readonly rawMode: boolean;
  private shown = "";
  private lastWasReturn = false;
  private closed = false;

  constructor(
    private readonly output: Writable,
    private readonly input: Readable,
    private readonly options: ConsoleUiOptions = {},
  ) {
    this.mode = options.mode ?? ((output as TtyOutput).isTTY ? "tty" : "plain");
    const raw = input as RawInput;
    // Raw mode: every key arrives at once, unechoed, without waiting for a newline.
    this.rawMode = raw.isTTY === true && typeof raw.setRawMode === "function";
    if (this.rawMode) raw.setRawMode?.(true);
    emitKeypressEvents(input);
    input.on("keypress", this.onKeypress);
  }

  show(view: ScreenView): void {
    const serialized = JSON.stringify(view);
    if (this.closed || serialized === this.shown) return;
    this.shown = serialized;
    if (this.mode === "tty") {
      this.output.write(`${CLEAR_AND_HOME}${renderBox(view).join("\r\n")}\r\n`);
    } else {
      this.output.write(`${renderPlain(view).join("\n")}\n`);
    }
  }

  onKey(listener: KeyListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Stops reading keys and gives the console back (cooked mode). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.input.off("keypress", this.onKeypress);
    if (this.rawMode) (this.input as RawInput).setRawMode?.(false);
    this.input.pause();
    this.listeners.clear();
  }

  private readonly onKeypress = (text: string | undefined, info: KeypressInfo | undefined): void => {
    // "\r\n" from a pipe is one Enter, not two.
    const name = info?.name;
    if (name === "enter" && this.lastWasReturn) {
      this.lastWasReturn = false;
      return;
    }
    this.lastWasReturn = name === "return";
    const key = consoleKey(text, info);
    if (key === undefined) return;
    if (key === "interrupt") {
      this.options.onInterrupt?.();
      return;
    }
    this.emit(key);
  };

  private emit(key: Key): void {
    for (const listener of [...this.listeners]) listener(key);
  }
}
