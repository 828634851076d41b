import { describe, expect, it } from "vitest";
import { assertUsage } from "../../../../protocol/crypto/tr31/assert-usage.js";
import { parseTr31Header } from "../../../../protocol/crypto/tr31/header.js";
import { Tr31Error } from "../../../../protocol/crypto/tr31/tr31-error.js";

const pinKeyBlock = parseTr31Header("B0080P0TE00E0000");
const macKeyBlock = parseTr31Header("B0080M3TC00E0000");

describe("assertUsage", () => {
  it("accepts a block that fits its slot", () => {
    expect(() => assertUsage(pinKeyBlock, { usage: "P0", algorithm: "T", modes: ["E", "B"] })).not.toThrow();
    expect(() => assertUsage(macKeyBlock, { usage: ["M1", "M3"], modes: ["C", "G"] })).not.toThrow();
  });

  it("refuses a PIN key offered as a MAC key", () => {
    expect(() => assertUsage(pinKeyBlock, { usage: "M3" })).toThrow(Tr31Error);
    expect(() => assertUsage(pinKeyBlock, { usage: "M3" })).toThrow(/keyUsage.*P0/);
  });

  it("refuses the wrong algorithm or mode of use", () => {
    expect(() => assertUsage(pinKeyBlock, { usage: "P0", algorithm: "A" })).toThrow(/algorithm/);
    // A MAC key that may only verify (V) cannot be loaded where the terminal generates MACs.
    const verifyOnly = parseTr31Header("B0080M3TV00E0000");
    expect(() => assertUsage(verifyOnly, { usage: "M3", modes: ["C", "G"] })).toThrow(/modeOfUse/);
  });
});
