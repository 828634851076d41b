import { type Clock, type ClockTimer, systemClock } from "../core/clock.js";
import type { PinWriteFailure } from "./io-plugin.js";
import {
  BEEP_PATTERNS,
  type BeepPattern,
  type IndicatorStatus,
  type LightPattern,
  STATUS_PATTERNS,
} from "./patterns.js";

export type { BeepPattern, IndicatorStatus } from "./patterns.js";

/** Pins by name (or number) on the IO plugin. */
export interface IndicatorPins {
  green: string | number;
  red: string | number;
  blue: string | number;
  buzzer?: string | number;
  /** Key name → pin (`{ enter: "key:enter", cancel: "key:cancel" }`). */
  keys?: Record<string, string | number>;
}

export interface KeyEvent {
  key: string;
  action: "down" | "up" | "hold";
}

export interface IndicatorHealth {
  /** False when johnny-five or the board could not be brought up: everything is a no-op then. */
  available: boolean;
  reason?: string;
  /** Writes that failed (caught here or reported by the IO plugin). */
  writeFailures: number;
  lastFailure?: string;
}

export interface IndicatorsOptions {
  /** A johnny-five IO plugin instance: SysfsIo on the board, EmulatedIo in the rig, Firmata on a dev kit. */
  io: object;
  pins: IndicatorPins;
  clock?: Clock;
  /** How to load johnny-five (default: dynamic import, so a board without it still boots). */
  loadJohnnyFive?: () => Promise<unknown>;
  /** How long to wait for the board's "ready" (default 5 s). */
  readyTimeoutMs?: number;
}

/** The little of johnny-five we use, typed here (the package ships no types). */
interface Emitter {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  removeAllListeners?(event?: string): unknown;
}
interface J5Board extends Emitter {}
interface J5Led {
  on(): unknown;
  off(): unknown;
}
interface J5Pin {
  high(): unknown;
  low(): unknown;
}
interface J5Button extends Emitter {}
interface JohnnyFive {
  Board: new (options: Record<string, unknown>) => J5Board;
  Led: new (options: Record<string, unknown>) => J5Led;
  Pin: new (options: Record<string, unknown>) => J5Pin;
  Button: new (options: Record<string, unknown>) => J5Button;
}

async function importJohnnyFive(): Promise<unknown> {
  // A variable specifier keeps the import lazy and untyped (johnny-five has no type declarations).
  const specifier = "johnny-five";
  return import(specifier);
}

/**
 * Status LED (green/red/blue), buzzer and keys through johnny-five components (Led, Pin, Button)
 * over an IO plugin. Patterns run on the injected clock. Nothing here ever throws into a transaction:
 * a failed write is caught, counted and visible in `health()`; without johnny-five or a working
 * board the facade is a no-op that says why.
 */
export class Indicators {
  private readonly clock: Clock;
  private readonly keyListeners = new Set<(event: KeyEvent) => void>();
  private leds: { green: J5Led; red: J5Led; blue: J5Led } | undefined;
  private buzzer: J5Pin | undefined;
  private lightTimer: ClockTimer | undefined;
  private beepTimer: ClockTimer | undefined;
  private failures = 0;
  private lastFailure: string | undefined;
  private unavailable: string | undefined;
  private current: IndicatorStatus = "off";

  private constructor(clock: Clock) {
    this.clock = clock;
  }

  static async open(options: IndicatorsOptions): Promise<Indicators> {
    const indicators = new Indicators(options.clock ?? systemClock);
    try {
      await indicators.start(options);
    } catch (error) {
      indicators.unavailable = (error as Error).message;
    }
    return indicators;
  }

  get status(): IndicatorStatus {
    return this.current;
  }

  /** Shows a terminal status; replaces any running pattern. */
  show(status: IndicatorStatus): void {
    this.current = status;
    this.stopLight();
    this.runLight(STATUS_PATTERNS[status], 0);
  }

  /** Beeps a pattern; a new beep replaces one still sounding. */
  beep(pattern: BeepPattern): void {
    this.stopBeep();
    this.runBeep(BEEP_PATTERNS[pattern], 0);
  }

  onKey(listener: (event: KeyEvent) => void): () => void {
    this.keyListeners.add(listener);
    return () => this.keyListeners.delete(listener);
  }

  health(): IndicatorHealth {
    const health: IndicatorHealth = {
      available: this.unavailable === undefined,
      writeFailures: this.failures,
    };
    if (this.unavailable !== undefined) health.reason = this.unavailable;
    if (this.lastFailure !== undefined) health.lastFailure = this.lastFailure;
    return health;
  }

  /** Stops patterns and turns everything off. */
  close(): void {
    this.stopLight();
    this.stopBeep();
    this.setLights(false, false, false);
    this.safely("buzzer", () => this.buzzer?.low());
    this.keyListeners.clear();
  }

  private async start(options: IndicatorsOptions): Promise<void> {
    let loaded: unknown;
    try {
      loaded = await (options.loadJohnnyFive ?? importJohnnyFive)();
    } catch (error) {
      throw new Error(`johnny-five unavailable: ${(error as Error).message}`);
    }
    const five = ((loaded as { default?: unknown }).default ?? loaded) as JohnnyFive;
    if (typeof five?.Board !== "function") throw new Error("johnny-five unavailable: no Board export");
    // repl/debug off: no REPL on stdin, no console chatter; sigint off: the firmware owns SIGINT.
    const board = new five.Board({ io: options.io, repl: false, debug: false, sigint: false });
    board.on("error", (error) => this.fail(`board: ${describe(error)}`));
    await this.ready(board, options.readyTimeoutMs ?? 5_000);
    const io = options.io as Partial<Emitter>;
    io.on?.("write-failure", (failure) =>
      this.count(`${(failure as PinWriteFailure).pin}: ${(failure as PinWriteFailure).code}`),
    );
    io.on?.("read-failure", (failure) =>
      this.count(`${(failure as PinWriteFailure).pin}: ${(failure as PinWriteFailure).code}`),
    );
    const { pins } = options;
    this.leds = {
      green: new five.Led({ pin: pins.green, board }),
      red: new five.Led({ pin: pins.red, board }),
      blue: new five.Led({ pin: pins.blue, board }),
    };
    if (pins.buzzer !== undefined) this.buzzer = new five.Pin({ pin: pins.buzzer, board, type: "digital" });
    for (const [key, pin] of Object.entries(pins.keys ?? {})) {
      const button = new five.Button({ pin, board, holdtime: 1000 });
      for (const action of ["down", "up", "hold"] as const) {
        button.on(action, () => this.emitKey({ key, action }));
      }
    }
  }

  private ready(board: J5Board, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(
        () => reject(new Error(`board not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      board.once("ready", () => {
        this.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  private runLight(pattern: LightPattern, index: number): void {
    const step = pattern.steps[index];
    if (!step) return;
    this.setLights(step.green, step.red, step.blue);
    if (step.ms === 0) return;
    const next = index + 1 < pattern.steps.length ? index + 1 : pattern.repeat ? 0 : -1;
    if (next < 0) return;
    this.lightTimer = this.clock.setTimeout(() => this.runLight(pattern, next), step.ms);
  }

  private runBeep(durations: number[], index: number): void {
    if (index >= durations.length) {
      this.safely("buzzer", () => this.buzzer?.low());
      return;
    }
    const on = index % 2 === 0;
    this.safely("buzzer", () => (on ? this.buzzer?.high() : this.buzzer?.low()));
    this.beepTimer = this.clock.setTimeout(() => this.runBeep(durations, index + 1), durations[index]!);
  }

  private setLights(green: boolean, red: boolean, blue: boolean): void {
    if (!this.leds) return;
    const { leds } = this;
    this.safely("green", () => (green ? leds.green.on() : leds.green.off()));
    this.safely("red", () => (red ? leds.red.on() : leds.red.off()));
    this.safely("blue", () => (blue ? leds.blue.on() : leds.blue.off()));
  }

  private stopLight(): void {
    if (this.lightTimer) this.clock.clearTimeout(this.lightTimer);
    this.lightTimer = undefined;
  }

  private stopBeep(): void {
    if (this.beepTimer) this.clock.clearTimeout(this.beepTimer);
    this.beepTimer = undefined;
  }

  private safely(what: string, action: () => unknown): void {
    try {
      action();
    } catch (error) {
      this.fail(`${what}: ${describe(error)}`);
    }
  }

  private fail(message: string): void {
    this.count(message);
  }

  private count(message: string): void {
    this.failures++;
    this.lastFailure = message;
  }

  private emitKey(event: KeyEvent): void {
    for (const listener of [...this.keyListeners]) {
      try {
        listener(event);
      } catch (error) {
        this.fail(`key listener: ${describe(error)}`);
      }
    }
  }
}

function describe(error: unknown): string {
  if (error && typeof error === "object") {
    const code = (error as { code?: unknown }).code;
    const message = (error as { message?: unknown }).message;
    return [code, message].filter((part) => typeof part === "string").join(" ") || "failed";
  }
  return String(error);
}
