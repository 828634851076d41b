import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ADVISORIES } from "../../../tools/audit/advisories.js";
import { auditOffline } from "../../../tools/audit/offline-audit.js";
import { readNpmAuditJson } from "../../../tools/audit/online-audit.js";
import { AuditInputError, runtimePackages } from "../../../tools/audit/runtime-packages.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project with a lock file and the given packages installed (path → version on disk). */
function project(
  lock: Record<string, { version: string; dev?: boolean }>,
  disk: Record<string, string>,
): string {
  const root = mkdtempSync(join(tmpdir(), "audit-"));
  dirs.push(root);
  writeFileSync(
    join(root, "package-lock.json"),
    JSON.stringify({ lockfileVersion: 3, packages: { "": { name: "x" }, ...lock } }),
  );
  for (const [path, version] of Object.entries(disk)) {
    mkdirSync(join(root, path), { recursive: true });
    writeFileSync(join(root, path, "package.json"), JSON.stringify({ name: path, version }));
  }
  return root;
}

const main = join(import.meta.dirname, "../../../dist/tools/audit/main.js");

describe("offline dependency audit", () => {
  it("flags a vulnerable runtime package, nested or not, and ignores dev-only ones", () => {
    const root = project(
      {
        "node_modules/ws": { version: "8.17.0" },
        "node_modules/a/node_modules/minimist": { version: "1.2.5" },
        "node_modules/semver": { version: "7.5.1", dev: true },
        "node_modules/node-forge": { version: "1.4.3" },
      },
      {
        "node_modules/ws": "8.17.0",
        "node_modules/a/node_modules/minimist": "1.2.5",
        "node_modules/semver": "7.5.1",
        "node_modules/node-forge": "1.4.3",
      },
    );
    const report = auditOffline(runtimePackages(root), ADVISORIES);
    expect(report.packages).toBe(3);
    expect(report.findings.map((f) => `${f.package.path}@${f.version} ${f.advisory.id}`).sort()).toEqual([
      "node_modules/a/node_modules/minimist@1.2.5 GHSA-xvch-5gv4-984h",
      "node_modules/ws@8.17.0 GHSA-3h5v-q93c-6h6q",
    ]);
  });

  it("reports drift between the lock file and the installed tree, and optional packages not installed", () => {
    const root = project(
      { "node_modules/ws": { version: "8.18.3" }, "node_modules/bufferutil": { version: "4.0.8" } },
      { "node_modules/ws": "8.18.0" },
    );
    const report = auditOffline(runtimePackages(root), ADVISORIES);
    expect(report.drift).toEqual([{ path: "node_modules/ws", locked: "8.18.3", installed: "8.18.0" }]);
    expect(report.notInstalled).toEqual(["node_modules/bufferutil"]);
    expect(report.findings).toEqual([]);
  });

  it("refuses a missing or unreadable lock file with a typed error naming it", () => {
    const root = mkdtempSync(join(tmpdir(), "audit-"));
    dirs.push(root);
    expect(() => runtimePackages(root)).toThrow(AuditInputError);
    writeFileSync(join(root, "package-lock.json"), "{not json");
    expect(() => runtimePackages(root)).toThrow(/package-lock.json is not JSON/);
  });

  it("this repository's runtime tree has no high-severity finding and no drift", () => {
    const report = auditOffline(runtimePackages(join(import.meta.dirname, "../../..")), ADVISORIES);
    expect(report.packages).toBeGreaterThan(50);
    expect(report.findings).toEqual([]);
    expect(report.drift).toEqual([]);
  });

  it("the CLI exits 1 with the finding on a vulnerable tree and 0 on a clean one", () => {
    const bad = project({ "node_modules/tar-fs": { version: "2.1.3" } }, { "node_modules/tar-fs": "2.1.3" });
    const run = spawnSync(process.execPath, [main, "--offline", bad], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/HIGH node_modules\/tar-fs@2\.1\.3: GHSA-vj76-c3g6-qr5v/);
    const good = project({ "node_modules/tar-fs": { version: "2.1.5" } }, { "node_modules/tar-fs": "2.1.5" });
    const clean = spawnSync(process.execPath, [main, "--offline", good], { encoding: "utf8" });
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(/no high-severity findings/);
  });
});

describe("npm audit JSON", () => {
  it("reads the counts of a report", () => {
    const json = JSON.stringify({
      metadata: { vulnerabilities: { low: 1, high: 2, critical: 0, total: 3 } },
    });
    expect(readNpmAuditJson(json)).toEqual({ ok: true, high: 2, critical: 0, total: 3 });
  });

  it("turns the service's refusal into a reason for the offline fallback", () => {
    const json = JSON.stringify({ error: { code: "ENOAUDIT", summary: "audit endpoint returned an error" } });
    expect(readNpmAuditJson(json)).toEqual({ ok: false, reason: "audit endpoint returned an error" });
    const refused = JSON.stringify({ message: "405 Method Not Allowed", error: { summary: "", detail: "" } });
    expect(readNpmAuditJson(refused)).toEqual({ ok: false, reason: "405 Method Not Allowed" });
    expect(readNpmAuditJson("")).toEqual({ ok: false, reason: "npm audit printed no JSON" });
  });
});
