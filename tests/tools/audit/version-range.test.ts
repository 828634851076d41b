import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareVersions,
  parseVersion,
  satisfies,
  VersionRangeError,
} from "../../../tools/audit/version-range.js";

const version = fc
  .tuple(
    fc.nat(30),
    fc.nat(30),
    fc.nat(30),
    fc.option(fc.constantFrom("alpha", "alpha.1", "beta.2", "rc.1", "0")),
  )
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre === null ? "" : `-${pre}`}`);

describe("version ranges (npm semver subset)", () => {
  it("orders releases numerically and pre-releases before their release", () => {
    expect(compareVersions("8.17.0", "8.17.1")).toBe(-1);
    expect(compareVersions("8.9.0", "8.17.0")).toBe(-1);
    expect(compareVersions("10.0.0", "9.99.99")).toBe(1);
    expect(compareVersions("3.0.0-alpha.4", "3.0.0")).toBe(-1);
    expect(compareVersions("3.0.0-alpha.4", "3.0.0-alpha.10")).toBe(-1);
    expect(compareVersions("1.0.0-1", "1.0.0-alpha")).toBe(-1);
    expect(compareVersions("1.2.3+build.5", "1.2.3")).toBe(0);
  });

  it("matches advisory ranges with alternatives", () => {
    const ws = ">=2.1.0 <5.2.4 || >=6.0.0 <6.2.3 || >=7.0.0 <7.5.10 || >=8.0.0 <8.17.1";
    expect(satisfies("8.17.0", ws)).toBe(true);
    expect(satisfies("8.17.1", ws)).toBe(false);
    expect(satisfies("8.18.3", ws)).toBe(false);
    expect(satisfies("7.5.9", ws)).toBe(true);
    expect(satisfies("5.2.4", ws)).toBe(false);
    expect(satisfies("1.9.0", ws)).toBe(false);
    expect(satisfies("1.2.5", "<0.2.4 || >=1.0.0 <1.2.6")).toBe(true);
    expect(satisfies("1.2.3", "=1.2.3")).toBe(true);
    expect(satisfies("1.2.3", "1.2.3")).toBe(true);
    expect(satisfies("1.2.4", "<=1.2.3")).toBe(false);
  });

  it("refuses what is not a version or a comparator, naming it", () => {
    expect(() => parseVersion("1.2")).toThrow(/"1.2" is not a version/);
    expect(() => satisfies("1.2.3", "~1.2")).toThrow(VersionRangeError);
    expect(() => satisfies("1.2.3", ">=1.0.0 ||")).toThrow(/empty alternative/);
  });

  it("is a total order consistent with the comparators (properties)", () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        const order = compareVersions(a, b);
        expect(compareVersions(b, a)).toBe(-order);
        expect(satisfies(a, `<${b}`)).toBe(order < 0);
        expect(satisfies(a, `>=${b}`)).toBe(order >= 0);
        expect(satisfies(a, `>=${b} <${b}`)).toBe(false);
      }),
      { seed: 8583, numRuns: 300 },
    );
  });
});
