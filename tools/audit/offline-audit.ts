import type { Advisory } from "./advisories.js";
import type { RuntimePackage } from "./runtime-packages.js";
import { satisfies } from "./version-range.js";

export interface Finding {
  advisory: Advisory;
  package: RuntimePackage;
  version: string;
}

export interface OfflineReport {
  packages: number;
  notInstalled: string[];
  /** Installed version differs from the lock file (a tree npm did not install as locked). */
  drift: { path: string; locked: string; installed: string }[];
  findings: Finding[];
}

/** Matches the installed runtime tree against the advisory snapshot; also reports lock/disk drift. */
export function auditOffline(
  packages: readonly RuntimePackage[],
  advisories: readonly Advisory[],
): OfflineReport {
  const report: OfflineReport = { packages: 0, notInstalled: [], drift: [], findings: [] };
  for (const pkg of packages) {
    if (pkg.installed === undefined) {
      report.notInstalled.push(pkg.path);
      continue;
    }
    report.packages++;
    if (pkg.installed !== pkg.locked) {
      report.drift.push({ path: pkg.path, locked: pkg.locked, installed: pkg.installed });
    }
    for (const advisory of advisories) {
      if (advisory.package === pkg.name && satisfies(pkg.installed, advisory.vulnerable)) {
        report.findings.push({ advisory, package: pkg, version: pkg.installed });
      }
    }
  }
  return report;
}
