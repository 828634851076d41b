import { EventEmitter } from "node:events";

/** Pin modes as johnny-five numbers them (Firmata's). */
export const MODES = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4 } as const;

export interface IoPin {
  supportedModes: number[];
  mode: number;
  value: number;
  report: number;
  analogChannel: number;
}

/** A failed pin write, as plugins report it (never thrown into the caller). */
export interface PinWriteFailure {
  pin: string;
  code: string;
  message: string;
}

/**
 * The part of the johnny-five IO plugin contract our plugins implement (IO-Plugins spec: name,
 * isReady, pins, analogPins, MODES, HIGH/LOW, pinMode, digitalWrite, analogWrite, digitalRead,
 * normalize, "connect"/"ready" events). Pins are named (`status:green`, `key:enter`) and normalised
 * to indices, so a board config names hardware, not numbers.
 */
export abstract class NamedPinIo extends EventEmitter {
  abstract readonly name: string;
  isReady = false;
  readonly MODES = MODES;
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly defaultLed = 0;
  readonly analogPins: number[] = [];
  readonly RESOLUTION = { ADC: 1023, DAC: null, PWM: 255 };
  readonly pins: IoPin[] = [];
  protected readonly names: string[] = [];
  private readonly readers = new Map<number, ((value: number) => void)[]>();

  protected addPin(name: string, supportedModes: number[]): number {
    this.names.push(name);
    this.pins.push({ supportedModes, mode: supportedModes[0]!, value: 0, report: 0, analogChannel: 127 });
    return this.pins.length - 1;
  }

  /** A pin's index from its name (or index). Unknown names stay as given, so johnny-five reports them. */
  normalize(pin: string | number): number {
    if (typeof pin === "number") return pin;
    const index = this.names.indexOf(pin);
    return index >= 0 ? index : Number.NaN;
  }

  pinName(pin: number): string {
    return this.names[pin] ?? `pin ${pin}`;
  }

  // johnny-five passes some components' pins un-normalised (Button keeps the name): accept both.
  pinMode(pin: number | string, mode: number): this {
    const entry = this.pins[this.normalize(pin)];
    if (entry) entry.mode = mode;
    return this;
  }

  digitalWrite(pin: number | string, value: number): this {
    this.write(this.normalize(pin), value ? 1 : 0, 1);
    return this;
  }

  analogWrite(pin: number | string, value: number): this {
    this.write(this.normalize(pin), Math.max(0, Math.min(255, Math.round(value))), 255);
    return this;
  }

  pwmWrite(pin: number | string, value: number): this {
    return this.analogWrite(pin, value);
  }

  digitalRead(pin: number | string, callback: (value: number) => void): this {
    const index = this.normalize(pin);
    const list = this.readers.get(index) ?? [];
    list.push(callback);
    this.readers.set(index, list);
    return this;
  }

  analogRead(): this {
    return this;
  }

  queryPinState(_pin: number, callback: () => void): this {
    callback();
    return this;
  }

  /** Reports an input pin's new level to johnny-five (Button). */
  protected reportInput(pin: number, value: number): void {
    const entry = this.pins[pin];
    if (entry) entry.value = value;
    for (const callback of this.readers.get(pin) ?? []) callback(value);
  }

  /** Sets an output: `value` out of `scale` (1 for digital, 255 for PWM). */
  protected abstract write(pin: number, value: number, scale: number): void;
}
