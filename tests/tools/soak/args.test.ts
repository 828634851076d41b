import { describe, expect, it } from "vitest";
import { parseSoakArgs, SoakArgsError } from "../../../tools/soak/args.js";

function refusal(argv: string[]): SoakArgsError {
  try {
    parseSoakArgs(argv);
  } catch (error) {
    if (error instanceof SoakArgsError) return error;
    throw error;
  }
  throw new Error(`accepted ${argv.join(" ")}`);
}

describe("soak arguments", () => {
  it("reads the three numbers and --json, with defaults", () => {
    expect(parseSoakArgs(["--transactions", "300", "--fault-rate", "0.2", "--seed", "9", "--json"])).toEqual({
      transactions: 300,
      faultRate: 0.2,
      seed: 9,
      json: true,
      responseTimeoutMs: 1000,
    });
    expect(parseSoakArgs([])).toMatchObject({ transactions: 100, faultRate: 0.2, seed: 1, json: false });
    expect(parseSoakArgs(["--fault-rate", "0"]).faultRate).toBe(0);
    expect(parseSoakArgs(["--fault-rate", "1"]).faultRate).toBe(1);
  });

  const bad: [string[], RegExp][] = [
    [["--transactions", "0"], /--transactions must be a whole number from 1/],
    [["--transactions", "abc"], /--transactions must be a whole number/],
    [["--transactions", "2.5"], /--transactions must be a whole number/],
    [["--transactions", "-3"], /--transactions/],
    [["--fault-rate", "1.5"], /fault rate must be a number from 0 to 1/],
    [["--fault-rate", "x"], /fault rate must be a number from 0 to 1/],
    [["--fault-rate", "-0.1"], /fault rate/],
    [["--seed", "-1"], /--seed/],
    [["--seed", "4294967296"], /--seed must be a whole number from 0 to 4294967295/],
    [["--seed", "1e3"], /--seed must be a whole number/],
    [["--transactions"], /argument missing/],
    [["--bogus"], /unknown option '--bogus'/],
    [["extra"], /too many arguments/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${argv.join(" ")} with exit code 2 and a clear message`, () => {
      const error = refusal(argv);
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(message);
    });
  }

  it("--help is not an error (exit 0) and lists the options", () => {
    let out = "";
    let error: SoakArgsError | undefined;
    try {
      parseSoakArgs(["--help"], (text) => {
        out += text;
      });
    } catch (e) {
      error = e as SoakArgsError;
    }
    expect(error?.exitCode).toBe(0);
    expect(out).toMatch(/--transactions <n>/);
    expect(out).toMatch(/--fault-rate <r>/);
    expect(out).toMatch(/--seed <s>/);
  });
});
