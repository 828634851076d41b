import { describe, expect, it } from "vitest";
import { EmulatedIo } from "../../../../../tools/rig/emulators/indicators/emulated-io.js";

describe("EmulatedIo", () => {
  it("records writes by pin name, digital and PWM, and reports levels", () => {
    const io = new EmulatedIo({ outputs: ["status:green", "beeper"], inputs: ["key:enter"] });
    expect(io.isReady).toBe(true);
    expect(io.normalize("beeper")).toBe(1);
    io.digitalWrite(0, 1);
    io.analogWrite("beeper", 128);
    expect(io.writes).toEqual([
      { pin: "status:green", value: 1, scale: 1 },
      { pin: "beeper", value: 128, scale: 255 },
    ]);
    expect(io.level("status:green")).toBe(1);
    expect(io.level("beeper")).toBeCloseTo(128 / 255);
  });

  it("presses keys through digitalRead callbacks and fails writes on demand", () => {
    const io = new EmulatedIo({ outputs: ["status:red"], inputs: ["key:enter"] });
    const seen: number[] = [];
    io.digitalRead("key:enter", (value) => seen.push(value));
    io.press("key:enter");
    io.release("key:enter");
    expect(seen).toEqual([1, 0]);
    io.failWrites("status:red", "ENOENT");
    expect(() => io.digitalWrite(0, 1)).toThrow(/ENOENT/);
    io.heal("status:red");
    expect(() => io.digitalWrite(0, 1)).not.toThrow();
    expect(() => io.press("key:nope")).toThrow(/no pin/);
  });
});
