import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Indicators } from "../../../drivers/indicators/indicators.js";
import { EV_KEY, encodeInputEvent, SysfsIo } from "../../../drivers/indicators/sysfs-io.js";
import { ManualClock } from "../../support/manual-clock.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();
const ios: SysfsIo[] = [];
const opened: Indicators[] = [];
afterEach(() => {
  for (const indicators of opened.splice(0)) indicators.close();
  for (const io of ios.splice(0)) io.close();
});

/** A directory laid out like /sys/class/leds: <name>/{brightness,max_brightness,trigger}. */
function ledsRoot(leds: Record<string, number>): string {
  const root = join(tempDir(), "leds");
  for (const [name, max] of Object.entries(leds)) {
    mkdirSync(join(root, name), { recursive: true });
    writeFileSync(join(root, name, "brightness"), "0");
    writeFileSync(join(root, name, "max_brightness"), `${max}\n`);
    writeFileSync(join(root, name, "trigger"), "none [heartbeat] mmc0");
  }
  return root;
}

const brightness = (root: string, name: string) => readFileSync(join(root, name, "brightness"), "latin1");

const LEDS = { "status:green": 255, "status:red": 255, "status:blue": 1, beeper: 1 };
const PINS = { green: "status:green", red: "status:red", blue: "status:blue", buzzer: "beeper" };

async function open(root: string, extra: Partial<ConstructorParameters<typeof SysfsIo>[0]> = {}) {
  const io = new SysfsIo({ ledsRoot: root, leds: Object.keys(LEDS), ...extra });
  ios.push(io);
  const clock = new ManualClock();
  const indicators = await Indicators.open({ io, pins: PINS, clock });
  opened.push(indicators);
  return { io, clock, indicators };
}

describe("SysfsIo: LEDs through /sys/class/leds", () => {
  it("clears the kernel trigger and writes brightness scaled to max_brightness", async () => {
    const root = ledsRoot(LEDS);
    const { indicators, clock } = await open(root);
    expect(readFileSync(join(root, "status:green", "trigger"), "latin1")).toBe("none");
    indicators.show("idle");
    expect([
      brightness(root, "status:green"),
      brightness(root, "status:red"),
      brightness(root, "status:blue"),
    ]).toEqual(["255", "0", "0"]);
    indicators.show("processing");
    expect(brightness(root, "status:blue")).toBe("1");
    clock.advance(250);
    expect(brightness(root, "status:blue")).toBe("0");
    indicators.beep("short");
    expect(brightness(root, "beeper")).toBe("1");
    clock.advance(80);
    expect(brightness(root, "beeper")).toBe("0");
    expect(indicators.health()).toEqual({ available: true, writeFailures: 0 });
  });

  it("an LED that vanished (ENOENT) is counted and reported; the others keep working", async () => {
    const root = ledsRoot(LEDS);
    const { indicators, io } = await open(root);
    rmSync(join(root, "status:red"), { recursive: true });
    expect(() => indicators.show("declined")).not.toThrow();
    expect(io.failures.count).toBeGreaterThanOrEqual(1);
    expect(io.failures.last).toMatchObject({ pin: "status:red", code: "ENOENT" });
    expect(indicators.health()).toMatchObject({
      available: true,
      lastFailure: expect.stringMatching(/ENOENT/),
    });
    indicators.show("idle");
    expect(brightness(root, "status:green")).toBe("255");
  });

  it("a missing LED at start-up and an unwritable attribute are reported, never thrown", async () => {
    const root = ledsRoot({ "status:green": 255, "status:blue": 1, beeper: 1 });
    // brightness as a directory: the write fails (EISDIR) even for root, like EACCES would for a user.
    mkdirSync(join(root, "status:blue-broken"), { recursive: true });
    rmSync(join(root, "status:blue"), { recursive: true });
    mkdirSync(join(root, "status:blue", "brightness"), { recursive: true });
    const failures: unknown[] = [];
    const io = new SysfsIo({ ledsRoot: root, leds: Object.keys(LEDS) });
    ios.push(io);
    io.on("write-failure", (failure) => failures.push(failure));
    const indicators = await Indicators.open({ io, pins: PINS, clock: new ManualClock() });
    opened.push(indicators);
    expect(io.failures.count).toBeGreaterThan(0); // red's trigger (ENOENT) at start-up
    expect(() => indicators.show("processing")).not.toThrow();
    expect(failures).toContainEqual(expect.objectContaining({ pin: "status:blue", code: "EISDIR" }));
    expect(indicators.health().writeFailures).toBeGreaterThanOrEqual(2);
  });
});

describe("SysfsIo: keys from a gpio-keys input event device", () => {
  it("EV_KEY press/release become key events (24-byte input_event)", async () => {
    const root = ledsRoot(LEDS);
    const device = join(tempDir(), "event0");
    writeFileSync(
      device,
      Buffer.concat([
        encodeInputEvent(EV_KEY, 28, 1),
        encodeInputEvent(0, 0, 0), // EV_SYN
        encodeInputEvent(EV_KEY, 28, 2), // autorepeat: ignored
        encodeInputEvent(EV_KEY, 99, 1), // a key we do not map
        encodeInputEvent(EV_KEY, 28, 0),
      ]),
    );
    const io = new SysfsIo({
      ledsRoot: root,
      leds: Object.keys(LEDS),
      inputDevice: device,
      keys: [{ name: "key:enter", code: 28 }],
    });
    ios.push(io);
    const indicators = await Indicators.open({
      io,
      pins: { ...PINS, keys: { enter: "key:enter" } },
      clock: new ManualClock(),
    });
    opened.push(indicators);
    const events: unknown[] = [];
    const levels: number[] = [];
    indicators.onKey((event) => events.push(event));
    io.digitalRead("key:enter", (value) => levels.push(value));
    await vi.waitFor(() => expect(events).toContainEqual({ key: "enter", action: "up" }));
    // The plugin reports both edges; johnny-five's 7 ms debounce folds a press and release read in
    // the same instant into the last one (real presses last far longer).
    expect(levels).toEqual([1, 0]);
  });

  it("16-byte events (32-bit kernels) are decoded too; a missing device is a counted read failure", async () => {
    const root = ledsRoot(LEDS);
    const device = join(tempDir(), "event1");
    writeFileSync(
      device,
      Buffer.concat([encodeInputEvent(EV_KEY, 1, 1, 16), encodeInputEvent(EV_KEY, 1, 0, 16)]),
    );
    const io = new SysfsIo({
      ledsRoot: root,
      leds: [],
      inputDevice: device,
      keys: [{ name: "key:cancel", code: 1 }],
      eventSize: 16,
    });
    ios.push(io);
    const levels: number[] = [];
    io.digitalRead("key:cancel", (value) => levels.push(value));
    await vi.waitFor(() => expect(levels).toEqual([1, 0]));

    const missing = new SysfsIo({
      ledsRoot: root,
      leds: [],
      inputDevice: join(root, "no-such-event"),
      keys: [{ name: "key:cancel", code: 1 }],
    });
    ios.push(missing);
    await vi.waitFor(() => expect(missing.failures.last).toMatchObject({ code: "ENOENT" }));
  });
});
