import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_CARDS,
  HostSimConfigError,
  HostSimulator,
  loadCardsFile,
  loadConfigFile,
  loadScenarioFile,
} from "../../../tools/host-sim/index.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();

function write(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
}

function errorOf(fn: () => unknown): HostSimConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HostSimConfigError);
    return error as HostSimConfigError;
  }
  throw new Error("did not throw");
}

describe("configuration validation", () => {
  it("in-process options: errors name the setting", () => {
    expect(errorOf(() => new HostSimulator({ tmk: "XYZ" })).setting).toBe("tmk");
    expect(errorOf(() => new HostSimulator({ mac: "cbc" as "x9.19" })).setting).toBe("mac");
    expect(
      errorOf(() => new HostSimulator({ cards: [{ pan: "12", pin: "1234", balance: 0 }] })).message,
    ).toMatch(/^cards\[0\]\.pan: must be 12\.\.19 digits/);
    expect(
      errorOf(() => new HostSimulator({ behaviours: [{ match: { amount: 1 }, delayMs: -1 }] })).setting,
    ).toBe("behaviours[0].delayMs");
    expect(errorOf(() => new HostSimulator({ unknownSetting: 1 } as never)).message).toMatch(
      /unknownSetting|Unrecognized/,
    );
    expect(
      errorOf(() => new HostSimulator({ terminals: [{ terminalId: "123", merchantId: "898310048990001" }] }))
        .setting,
    ).toBe("terminals[0].terminalId");
  });

  it("the built-in cards validate", () => {
    expect(() => new HostSimulator({})).not.toThrow();
    expect(DEFAULT_CARDS.length).toBeGreaterThanOrEqual(8);
  });

  it("card, scenario and config files: loaded, relative paths resolved, errors name file and setting", () => {
    const dir = tempDir();
    write(dir, "cards.json", {
      cards: [{ pan: "6222021000000000014", pin: "1234", balance: 100, scheme: "CUP" }],
    });
    write(dir, "scenario.json", { behaviours: [{ match: { amount: 404 }, respondWith: "91" }] });
    const config = write(dir, "host.json", {
      tmk: "0123456789ABCDEFFEDCBA9876543210",
      cardsFile: "cards.json",
      scenarioFile: "scenario.json",
      merchants: [{ merchantId: "898310048990001", instantSettlement: true }],
      ledgerFile: "out/ledger.json",
    });
    const loaded = loadConfigFile(config);
    expect(loaded.cards).toHaveLength(1);
    expect(loaded.behaviours?.[0]?.respondWith).toBe("91");
    expect(loaded.ledgerFile).toBe(join(dir, "out/ledger.json"));
    expect(loaded.merchants?.[0]?.feeRate).toBe(0.006);

    const badCards = write(dir, "bad-cards.json", [{ pan: "6222021000000000014", pin: "12", balance: 1 }]);
    expect(errorOf(() => loadCardsFile(badCards)).message).toContain("bad-cards.json[0].pin");
    const badScenario = write(dir, "bad-scenario.json", [{ respondWith: "toolong" }]);
    expect(errorOf(() => loadScenarioFile(badScenario)).message).toContain("[0].respondWith");
    const notJson = write(dir, "broken.json", "{");
    expect(errorOf(() => loadConfigFile(notJson)).setting).toBe("config");
    const missing = write(dir, "missing-cards.json", { cardsFile: "nope.json" });
    expect(errorOf(() => loadConfigFile(missing)).setting).toBe("cardsFile");
  });
});
