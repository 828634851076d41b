import { spawnSync } from "node:child_process";

/** The high/critical counts of `npm audit --omit=dev`, or why the advisory service gave none. */
export type OnlineResult =
  | { ok: true; high: number; critical: number; total: number }
  | { ok: false; reason: string };

/** Reads `npm audit --json` output: its metadata counts, or its error (endpoint refused, offline…). */
export function readNpmAuditJson(stdout: string): OnlineResult {
  let data: {
    message?: string;
    error?: { summary?: string; code?: string };
    metadata?: { vulnerabilities?: Record<string, number> };
  };
  try {
    data = JSON.parse(stdout);
  } catch {
    return { ok: false, reason: "npm audit printed no JSON" };
  }
  if (data.error) {
    return { ok: false, reason: data.error.summary || data.message || data.error.code || "npm audit error" };
  }
  const v = data.metadata?.vulnerabilities;
  if (!v) return { ok: false, reason: "npm audit JSON has no metadata.vulnerabilities" };
  return { ok: true, high: v.high ?? 0, critical: v.critical ?? 0, total: v.total ?? 0 };
}

/** Runs `npm audit --omit=dev --json` in `root` (bounded: the service may hang behind a proxy). */
export function npmAudit(root: string, timeoutMs = 60_000): OnlineResult {
  const run = spawnSync("npm", ["audit", "--omit=dev", "--json"], {
    cwd: root,
    encoding: "utf8",
    timeout: timeoutMs,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (run.error) return { ok: false, reason: run.error.message };
  return readNpmAuditJson(run.stdout);
}
