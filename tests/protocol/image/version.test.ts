import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareVersions, ImageError, parseVersion } from "../../../protocol/image/index.js";

describe("firmware versions (semver precedence)", () => {
  it("orders as semver.org's example list", () => {
    const ordered = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "1.0.1",
      "1.2.0",
      "1.10.0",
      "2.0.0",
    ];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(compareVersions(ordered[i]!, ordered[i + 1]!)).toBe(-1);
      expect(compareVersions(ordered[i + 1]!, ordered[i]!)).toBe(1);
    }
    expect(compareVersions("1.0.0+build.1", "1.0.0+build.2")).toBe(0);
  });

  it.each(["1.2", "01.2.3", "1.2.3-", "v1.2.3", "1.2.3-01", ""])("refuses %j", (text) => {
    expect(() => parseVersion(text)).toThrow(ImageError);
  });

  it("is antisymmetric and reflexive on random versions", () => {
    const version = fc
      .tuple(fc.nat(20), fc.nat(20), fc.nat(20), fc.option(fc.constantFrom("a", "b.1", "1", "rc.2")))
      .map(([a, b, c, p]) => `${a}.${b}.${c}${p ? `-${p}` : ""}`);
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(compareVersions(a, a)).toBe(0);
        expect(compareVersions(a, b)).toBe(-compareVersions(b, a) || 0);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
