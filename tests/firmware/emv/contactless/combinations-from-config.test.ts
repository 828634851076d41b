import { describe, expect, it } from "vitest";
import { combinationsFromConfig } from "../../../../firmware/emv/contactless/index.js";
import {
  UNIONPAY_DEFAULTS,
  unionPayTerminalConfig,
} from "../../../../firmware/emv/shared/terminal-config.js";
import { toHex } from "../../../../protocol/hex.js";

describe("combinationsFromConfig", () => {
  it("makes one combination per AID with contactless parameters, with its kernel and limits", () => {
    const combinations = combinationsFromConfig(unionPayTerminalConfig());
    expect(combinations.map((c) => [toHex(c.aid), c.kernelId])).toEqual([
      ["A000000333010101", 7],
      ["A000000333010102", 7],
      ["A000000333010103", 7],
      ["A000000333010106", 7],
    ]);
    expect(combinations[0]).toMatchObject({
      transactionLimit: 100_000_000,
      floorLimit: 0,
      cvmLimit: 100_000,
    });
    expect(toHex(combinations[0]!.ttq!)).toBe("26000080");
  });

  it("takes the kernel from the RID when the AID does not name one", () => {
    const aids = UNIONPAY_DEFAULTS.aids.map((aid) =>
      aid.aid === "A0000000031010"
        ? { ...aid, contactless: { transactionLimit: 50_000, floorLimit: 0, cvmLimit: 30_000 } }
        : aid,
    );
    const visa = combinationsFromConfig(unionPayTerminalConfig({ aids })).find(
      (c) => toHex(c.aid) === "A0000000031010",
    );
    expect(visa).toMatchObject({ kernelId: 3, transactionLimit: 50_000, cvmLimit: 30_000 });
    expect(visa?.ttq).toBeUndefined();
  });
});
