/**
 * Just enough of npm's semver to match advisory ranges ("<1.2.6", ">=8.0.0 <8.17.1", "a || b") against
 * installed versions. Hand-written because the audit must not depend on a package it is auditing.
 */
export class VersionRangeError extends Error {
  override readonly name = "VersionRangeError";
}

interface Version {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers ("alpha", 4): a pre-release sorts before its release. */
  pre: (string | number)[];
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(text: string): Version {
  const m = VERSION.exec(text.trim());
  if (!m) throw new VersionRangeError(`"${text}" is not a version (x.y.z)`);
  const pre = m[4] === undefined ? [] : m[4].split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre };
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (const key of ["major", "minor", "patch"] as const) {
    if (x[key] !== y[key]) return x[key] < y[key] ? -1 : 1;
  }
  if (x.pre.length === 0 || y.pre.length === 0) return Math.sign(y.pre.length - x.pre.length);
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    if (typeof p === "number" && typeof q === "number") return p < q ? -1 : 1;
    if (typeof p === "number") return -1;
    if (typeof q === "number") return 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

const COMPARATOR = /^(<=|>=|<|>|=)?\s*(\S+)$/;

/** True when `version` is inside `range`: comparators joined by spaces (and), alternatives by "||". */
export function satisfies(version: string, range: string): boolean {
  const alternatives = range.split("||").map((a) => a.trim());
  if (alternatives.some((a) => a === ""))
    throw new VersionRangeError(`empty alternative in range "${range}"`);
  return alternatives.some((alternative) =>
    alternative
      .split(/\s+/)
      .map((c) => c.trim())
      .every((comparator) => {
        const m = COMPARATOR.exec(comparator);
        if (!m?.[2]) throw new VersionRangeError(`"${comparator}" in range "${range}" is not a comparator`);
        const order = compareVersions(version, m[2]);
        switch (m[1]) {
          case "<":
            return order < 0;
          case "<=":
            return order <= 0;
          case ">":
            return order > 0;
          case ">=":
            return order >= 0;
          default:
            return order === 0;
        }
      }),
  );
}
