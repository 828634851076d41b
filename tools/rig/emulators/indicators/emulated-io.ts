import { MODES, NamedPinIo } from "../../../../drivers/indicators/io-plugin.js";

export interface PinWrite {
  pin: string;
  /** 0/1 for digital writes, 0–255 for PWM. */
  value: number;
  scale: number;
}

/**
 * A johnny-five IO plugin for the rig: every pin write is recorded (for assertions and for the
 * console rendering of the terminal's LEDs), keys are pressed by the test or the CLI, and a pin can
 * be made to fail like a sysfs file would (EACCES/ENOENT), by throwing from the write as a careless
 * plugin might: the Indicators facade must contain it.
 */
export class EmulatedIo extends NamedPinIo {
  readonly name = "EmulatedIo";
  readonly writes: PinWrite[] = [];
  private readonly failing = new Map<string, string>();

  constructor(options: { outputs: string[]; inputs?: string[] }) {
    super();
    for (const output of options.outputs) this.addPin(output, [MODES.OUTPUT, MODES.PWM]);
    for (const input of options.inputs ?? []) this.addPin(input, [MODES.INPUT]);
    this.isReady = true;
  }

  /** The pin's current level as a fraction 0–1. */
  level(name: string): number {
    const pin = this.pins[this.normalize(name)];
    if (!pin) throw new Error(`no pin ${name}`);
    return pin.supportedModes.includes(MODES.INPUT) ? pin.value : this.lastFraction(name);
  }

  press(name: string): void {
    this.reportInput(this.indexOf(name), 1);
  }

  release(name: string): void {
    this.reportInput(this.indexOf(name), 0);
  }

  /** Makes writes to `name` throw an errno error (EACCES, ENOENT…) until `heal(name)`. */
  failWrites(name: string, code = "EACCES"): void {
    this.failing.set(name, code);
  }

  heal(name: string): void {
    this.failing.delete(name);
  }

  protected write(pin: number, value: number, scale: number): void {
    const name = this.pinName(pin);
    const code = this.failing.get(name);
    if (code) {
      throw Object.assign(new Error(`${code}: cannot write /sys/class/leds/${name}/brightness`), { code });
    }
    const entry = this.pins[pin];
    if (entry) entry.value = value;
    this.writes.push({ pin: name, value, scale });
  }

  private lastFraction(name: string): number {
    for (let i = this.writes.length - 1; i >= 0; i--) {
      const write = this.writes[i]!;
      if (write.pin === name) return write.value / write.scale;
    }
    return 0;
  }

  private indexOf(name: string): number {
    const index = this.normalize(name);
    if (Number.isNaN(index)) throw new Error(`no pin ${name}`);
    return index;
  }
}
