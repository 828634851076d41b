import { createReadStream, type ReadStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MODES, NamedPinIo, type PinWriteFailure } from "./io-plugin.js";

/** A key delivered by the kernel's gpio-keys driver as EV_KEY events on an input device. */
export interface InputKey {
  /** Pin name used in the indicator config (`key:enter`). */
  name: string;
  /** Linux key code (KEY_ENTER 28, KEY_ESC 1, KEY_F1 59…). */
  code: number;
}

export interface SysfsIoOptions {
  /** LED class directory; tests point it at a temporary directory laid out the same way. */
  ledsRoot?: string;
  /** LED class device names in pin order (`status:green`, `status:red`, `status:blue`, `beeper`). */
  leds: string[];
  /** Input event device of the gpio-keys node (`/dev/input/by-path/platform-gpio-keys-event`). */
  inputDevice?: string;
  keys?: InputKey[];
  /** sizeof(struct input_event): 24 on 64-bit kernels (default), 16 on 32-bit ARM. */
  eventSize?: 16 | 24;
}

const EV_KEY = 1;

/**
 * johnny-five IO plugin for Linux boards without Firmata.
 *
 * Outputs: LED class devices, `/sys/class/leds/<name>/brightness` (0 … max_brightness), with the
 * `trigger` set to `none` first so a kernel trigger (heartbeat, mmc0) does not fight us. The buzzer
 * is an LED class device too (gpio-leds on an active buzzer). Writes are synchronous sysfs writes
 * (a few µs); a failing write (EACCES, ENOENT, EIO) is caught, counted and reported as a
 * `write-failure` event, never thrown: a dead LED must not fail a payment.
 *
 * Keys: the GPIO character device (/dev/gpiochipN) needs the GPIO_V2_GET_LINE ioctl, i.e. native code
 * we do not ship, and /sys/class/gpio is deprecated and absent on current kernels. Boards declare
 * their keys as `gpio-keys` in the device tree instead; the kernel debounces them and delivers
 * EV_KEY events on /dev/input/eventN, which plain `fs` reads (struct input_event: timeval, u16 type,
 * u16 code, s32 value; value 1 press, 0 release, 2 autorepeat ignored). The blocking read holds one
 * libuv threadpool thread while the device is open.
 */
export class SysfsIo extends NamedPinIo {
  readonly name = "SysfsIo";
  /** Failed writes and reads: count and last failure, for the self-test report. */
  readonly failures: { count: number; last?: PinWriteFailure } = { count: 0 };
  private readonly ledsRoot: string;
  private readonly ledPins = new Map<number, { dir: string; max: number }>();
  private readonly keyPins = new Map<number, number>();
  private input: ReadStream | undefined;

  constructor(options: SysfsIoOptions) {
    super();
    this.ledsRoot = options.ledsRoot ?? "/sys/class/leds";
    for (const led of options.leds) {
      const pin = this.addPin(led, [MODES.OUTPUT, MODES.PWM]);
      const dir = join(this.ledsRoot, led);
      this.ledPins.set(pin, { dir, max: this.maxBrightness(led, dir) });
      this.attempt(led, () => writeFileSync(join(dir, "trigger"), "none"));
    }
    for (const key of options.keys ?? []) this.keyPins.set(key.code, this.addPin(key.name, [MODES.INPUT]));
    if (options.inputDevice && this.keyPins.size > 0)
      this.listen(options.inputDevice, options.eventSize ?? 24);
    // Everything is set up synchronously: johnny-five's Board sees isReady and emits connect/ready itself.
    this.isReady = true;
  }

  /** Stops reading the input device. */
  close(): void {
    this.input?.destroy();
    this.input = undefined;
  }

  protected write(pin: number, value: number, scale: number): void {
    const led = this.ledPins.get(pin);
    if (!led) return;
    const entry = this.pins[pin];
    if (entry) entry.value = value;
    const brightness = Math.round((value / scale) * led.max);
    this.attempt(this.pinName(pin), () => writeFileSync(join(led.dir, "brightness"), `${brightness}`));
  }

  private maxBrightness(name: string, dir: string): number {
    let max = 1;
    this.attempt(name, () => {
      const value = Number.parseInt(readFileSync(join(dir, "max_brightness"), "latin1"), 10);
      if (Number.isInteger(value) && value > 0) max = value;
    });
    return max;
  }

  private attempt(pin: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      const failure: PinWriteFailure = {
        pin,
        code: (error as NodeJS.ErrnoException).code ?? "EIO",
        message: (error as Error).message,
      };
      this.failures.count++;
      this.failures.last = failure;
      this.emit("write-failure", failure);
    }
  }

  private listen(path: string, eventSize: number): void {
    let pending = Buffer.alloc(0);
    const stream = createReadStream(path, { highWaterMark: eventSize * 64 });
    this.input = stream;
    stream.on("data", (chunk: Buffer | string) => {
      pending = Buffer.concat([pending, Buffer.from(chunk)]);
      while (pending.length >= eventSize) {
        const type = pending.readUInt16LE(eventSize - 8);
        const code = pending.readUInt16LE(eventSize - 6);
        const value = pending.readInt32LE(eventSize - 4);
        pending = pending.subarray(eventSize);
        const pin = this.keyPins.get(code);
        if (type === EV_KEY && pin !== undefined && (value === 0 || value === 1))
          this.reportInput(pin, value);
      }
    });
    stream.on("error", (error: NodeJS.ErrnoException) => {
      const failure = { pin: path, code: error.code ?? "EIO", message: error.message };
      this.failures.count++;
      this.failures.last = failure;
      this.emit("read-failure", failure);
    });
  }
}

/** Encodes one struct input_event (tests, and the rig writing a fake event device). */
export function encodeInputEvent(type: number, code: number, value: number, eventSize: 16 | 24 = 24): Buffer {
  const event = Buffer.alloc(eventSize);
  event.writeUInt16LE(type, eventSize - 8);
  event.writeUInt16LE(code, eventSize - 6);
  event.writeInt32LE(value, eventSize - 4);
  return event;
}

export { EV_KEY };
