import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DIGIT_KEYS,
  PASSWORD_MAX_DIGITS,
  PasswordEntries,
  PasswordEntry,
  typeUserIdDigit,
} from "../../../firmware/terminal/index.js";

describe("PasswordEntry", () => {
  it("collects ASCII digits, erases the last, and hands over a copy while wiping itself", () => {
    const entry = new PasswordEntry();
    for (const digit of ["1", "2", "3"] as const) entry.type(digit);
    entry.erase();
    entry.type("9");
    expect(entry.length).toBe(3);
    const password = entry.take();
    expect(password).toEqual(Buffer.from([0x31, 0x32, 0x39]));
    expect(entry.length).toBe(0);
    expect(entry.take()).toEqual(Buffer.alloc(0));
    // The copy is the caller's: wiping the entry again does not touch it.
    entry.wipe();
    expect(password).toEqual(Buffer.from([0x31, 0x32, 0x39]));
  });

  it("zeroes its own bytes on take, erase and wipe", () => {
    const entry = new PasswordEntry();
    const inner = () => (entry as unknown as { digits: Buffer }).digits;
    for (const digit of ["7", "7", "7"] as const) entry.type(digit);
    entry.erase();
    expect([...inner()]).toEqual([0x37, 0x37, ...new Array(PASSWORD_MAX_DIGITS - 2).fill(0)]);
    entry.take();
    expect(inner().every((byte) => byte === 0)).toBe(true);
    entry.type("5");
    entry.wipe();
    expect(inner().every((byte) => byte === 0)).toBe(true);
  });

  it("matches a model of the keypad for any sequence of digits and Clear", () => {
    const key = fc.constantFrom(...DIGIT_KEYS, "clear" as const);
    fc.assert(
      fc.property(fc.array(key, { maxLength: 40 }), (keys) => {
        const entry = new PasswordEntry();
        let model = "";
        for (const k of keys) {
          if (k === "clear") {
            entry.erase();
            model = model.slice(0, -1);
          } else {
            entry.type(k);
            if (model.length < PASSWORD_MAX_DIGITS) model += k;
          }
        }
        expect(entry.length).toBe(model.length);
        expect(entry.take()).toEqual(Buffer.from(model, "latin1"));
      }),
      { seed: 20_240_610, numRuns: 300 },
    );
  });

  it("keeps one entry per actor system", () => {
    const entries = new PasswordEntries();
    const a = {};
    const b = {};
    entries.of(a).type("1");
    expect(entries.of(a).length).toBe(1);
    expect(entries.of(b).length).toBe(0);
  });
});

describe("user number entry", () => {
  it("takes two digits", () => {
    expect(typeUserIdDigit("", "0")).toBe("0");
    expect(typeUserIdDigit("0", "1")).toBe("01");
    expect(typeUserIdDigit("01", "2")).toBe("01");
  });
});
