import { ImageError } from "./image-error.js";

/** A semantic version (semver 2.0.0); build metadata is kept but never compared. */
export interface FirmwareVersion {
  major: number;
  minor: number;
  patch: number;
  prerelease: readonly string[];
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** Parses "1.4.0", "2.0.0-rc.1", "1.0.0+build.7"; anything else is an ImageError naming `path`. */
export function parseVersion(text: string, path = "manifest.version"): FirmwareVersion {
  const match = SEMVER.exec(text);
  const numbers = match ? [match[1], match[2], match[3]].map(Number) : [];
  if (!match || numbers.some((n) => !Number.isSafeInteger(n))) {
    throw new ImageError(`"${text.slice(0, 40)}" is not a semantic version (x.y.z)`, { path });
  }
  return {
    major: numbers[0]!,
    minor: numbers[1]!,
    patch: numbers[2]!,
    prerelease: match[4] === undefined ? [] : match[4].split("."),
  };
}

/** Semver precedence: -1 if a < b, 0 if equal, 1 if a > b (anti-rollback compares with this). */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const x = parseVersion(a, "version a");
  const y = parseVersion(b, "version b");
  const core = sign(x.major - y.major) || sign(x.minor - y.minor) || sign(x.patch - y.patch);
  if (core !== 0) return core;
  // A release outranks its pre-releases: 1.0.0-rc.1 < 1.0.0.
  if (x.prerelease.length === 0 || y.prerelease.length === 0) {
    return sign(y.prerelease.length - x.prerelease.length);
  }
  const n = Math.min(x.prerelease.length, y.prerelease.length);
  for (let i = 0; i < n; i++) {
    const order = compareIdentifier(x.prerelease[i]!, y.prerelease[i]!);
    if (order !== 0) return order;
  }
  return sign(x.prerelease.length - y.prerelease.length);
}

function compareIdentifier(a: string, b: string): -1 | 0 | 1 {
  const numericA = /^\d+$/.test(a);
  const numericB = /^\d+$/.test(b);
  if (numericA && numericB) return sign(Number(a) - Number(b));
  if (numericA !== numericB) return numericA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
