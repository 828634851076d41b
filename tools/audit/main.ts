#!/usr/bin/env node
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ADVISORIES, SNAPSHOT_DATE } from "./advisories.js";
import { auditOffline } from "./offline-audit.js";
import { npmAudit } from "./online-audit.js";
import { AuditInputError, runtimePackages } from "./runtime-packages.js";

/**
 * Dependency audit for CI: `npm audit --omit=dev` when npm's advisory service answers, else the
 * offline check against the curated snapshot. Exit 0 clean, 1 high/critical findings or lock drift,
 * 2 the audit could not run. `--offline` skips the service.
 */
function main(argv: string[]): number {
  const root =
    argv.find((a) => !a.startsWith("--")) ?? join(dirname(fileURLToPath(import.meta.url)), "../../..");
  if (!argv.includes("--offline")) {
    const online = npmAudit(root);
    if (online.ok) {
      const bad = online.high + online.critical;
      console.log(
        `audit: npm audit --omit=dev: ${online.total} advisories, ${online.high} high, ${online.critical} critical`,
      );
      return bad === 0 ? 0 : 1;
    }
    console.log(`audit: npm's advisory service unavailable (${online.reason}); offline check instead`);
  }
  let report: ReturnType<typeof auditOffline>;
  try {
    report = auditOffline(runtimePackages(root), ADVISORIES);
  } catch (error) {
    if (error instanceof AuditInputError) {
      console.error(`audit: ${error.message}`);
      return 2;
    }
    throw error;
  }
  console.log(
    `audit: ${report.packages} installed runtime packages checked against ${ADVISORIES.length} high/critical advisories (snapshot ${SNAPSHOT_DATE}); ${report.notInstalled.length} optional packages not installed`,
  );
  for (const d of report.drift)
    console.log(`audit: DRIFT ${d.path}: locked ${d.locked}, installed ${d.installed}`);
  for (const f of report.findings) {
    console.log(
      `audit: ${f.advisory.severity.toUpperCase()} ${f.package.path}@${f.version}: ${f.advisory.id} ${f.advisory.title} (vulnerable ${f.advisory.vulnerable})`,
    );
  }
  if (report.findings.length === 0 && report.drift.length === 0)
    console.log("audit: no high-severity findings");
  return report.findings.length === 0 && report.drift.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
