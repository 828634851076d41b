import { afterEach, describe, expect, it, vi } from "vitest";
import { Indicators } from "../../../drivers/indicators/indicators.js";
import { EmulatedIo } from "../../../tools/rig/emulators/indicators/emulated-io.js";
import { ManualClock } from "../../support/manual-clock.js";

const PINS = {
  green: "status:green",
  red: "status:red",
  blue: "status:blue",
  buzzer: "beeper",
  keys: { enter: "key:enter", cancel: "key:cancel" },
};

const opened: Indicators[] = [];
afterEach(() => {
  for (const indicators of opened.splice(0)) indicators.close();
  vi.restoreAllMocks();
});

async function setup() {
  const io = new EmulatedIo({
    outputs: ["status:green", "status:red", "status:blue", "beeper"],
    inputs: ["key:enter", "key:cancel"],
  });
  const clock = new ManualClock();
  const indicators = await Indicators.open({ io, pins: PINS, clock });
  opened.push(indicators);
  const rgb = () => [io.level("status:green"), io.level("status:red"), io.level("status:blue")];
  return { io, clock, indicators, rgb };
}

describe("Indicators over johnny-five with the emulated IO plugin", () => {
  it("comes up quietly (repl and debug off) and available", async () => {
    const log = vi.spyOn(console, "log");
    const info = vi.spyOn(console, "info");
    const { indicators } = await setup();
    expect(indicators.health()).toEqual({ available: true, writeFailures: 0 });
    expect(log).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
  });

  it("status patterns: idle green, processing blue blink, declined red then idle", async () => {
    const { indicators, clock, rgb } = await setup();
    indicators.show("idle");
    expect(rgb()).toEqual([1, 0, 0]);
    indicators.show("processing");
    expect(rgb()).toEqual([0, 0, 1]);
    clock.advance(250);
    expect(rgb()).toEqual([0, 0, 0]);
    clock.advance(250);
    expect(rgb()).toEqual([0, 0, 1]);
    indicators.show("declined");
    expect(rgb()).toEqual([0, 1, 0]);
    clock.advance(3000);
    expect(rgb()).toEqual([1, 0, 0]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("approved holds green; error blinks red until the next status", async () => {
    const { indicators, clock, rgb } = await setup();
    indicators.show("approved");
    expect(rgb()).toEqual([1, 0, 0]);
    clock.advance(5000);
    expect(rgb()).toEqual([1, 0, 0]);
    indicators.show("error");
    expect(rgb()).toEqual([0, 1, 0]);
    clock.advance(100);
    expect(rgb()).toEqual([0, 0, 0]);
    indicators.show("off");
    clock.advance(1000);
    expect(rgb()).toEqual([0, 0, 0]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("beeps: a double beep is on/off/on/off on the buzzer pin", async () => {
    const { indicators, clock, io } = await setup();
    const before = io.writes.length;
    indicators.beep("double");
    expect(io.level("beeper")).toBe(1);
    clock.advance(80);
    expect(io.level("beeper")).toBe(0);
    clock.advance(80);
    expect(io.level("beeper")).toBe(1);
    clock.advance(80);
    expect(io.level("beeper")).toBe(0);
    const buzzer = io.writes
      .slice(before)
      .filter((w) => w.pin === "beeper")
      .map((w) => w.value);
    expect(buzzer).toEqual([1, 0, 1, 0]);
  });

  it("keys arrive as events through johnny-five Buttons", async () => {
    const { indicators, io } = await setup();
    const events: unknown[] = [];
    indicators.onKey((event) => events.push(event));
    io.press("key:enter");
    await vi.waitFor(() => expect(events).toEqual([{ key: "enter", action: "down" }]));
    io.release("key:enter");
    io.press("key:cancel");
    await vi.waitFor(() =>
      expect(events).toEqual([
        { key: "enter", action: "down" },
        { key: "enter", action: "up" },
        { key: "cancel", action: "down" },
      ]),
    );
    io.release("key:cancel");
  });

  it("a failing LED write (EACCES) is caught, counted and reported, never thrown into a transaction", async () => {
    const { indicators, io, rgb } = await setup();
    io.failWrites("status:red", "EACCES");
    const transaction = async () => {
      indicators.show("processing");
      indicators.show("declined");
      indicators.beep("error");
      return "declined, receipt printed";
    };
    await expect(transaction()).resolves.toBe("declined, receipt printed");
    const health = indicators.health();
    expect(health.available).toBe(true);
    expect(health.writeFailures).toBeGreaterThanOrEqual(1);
    expect(health.lastFailure).toMatch(/EACCES/);
    expect(rgb()[0]).toBe(0);
    io.heal("status:red");
    indicators.show("declined");
    expect(rgb()).toEqual([0, 1, 0]);
  });

  it("without johnny-five the facade is a no-op that says why; the terminal still boots", async () => {
    const io = new EmulatedIo({ outputs: ["status:green", "status:red", "status:blue"] });
    const indicators = await Indicators.open({
      io,
      pins: PINS,
      clock: new ManualClock(),
      loadJohnnyFive: () => Promise.reject(new Error("Cannot find package 'johnny-five'")),
    });
    expect(() => indicators.show("approved")).not.toThrow();
    expect(() => indicators.beep("short")).not.toThrow();
    expect(indicators.health()).toMatchObject({
      available: false,
      reason: expect.stringMatching(/johnny-five/),
    });
    expect(io.writes).toEqual([]);
  });

  it("a board that never becomes ready is reported unavailable after the timeout", async () => {
    const io = new EmulatedIo({ outputs: ["status:green", "status:red", "status:blue"] });
    io.isReady = false;
    const clock = new ManualClock();
    const opening = Indicators.open({ io, pins: PINS, clock, readyTimeoutMs: 2000 });
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(2000);
    const indicators = await opening;
    expect(indicators.health()).toMatchObject({
      available: false,
      reason: expect.stringMatching(/not ready/),
    });
  });
});
