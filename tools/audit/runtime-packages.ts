import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One package of the runtime tree: where the lock file puts it and what is installed there. */
export interface RuntimePackage {
  name: string;
  /** "node_modules/a/node_modules/b" as in package-lock.json. */
  path: string;
  locked: string;
  /** undefined when not installed (an optional or platform-specific package). */
  installed: string | undefined;
}

export class AuditInputError extends Error {
  override readonly name = "AuditInputError";
}

interface LockEntry {
  version?: string;
  dev?: boolean;
  link?: boolean;
}

/**
 * The runtime dependency tree from package-lock.json (v2/v3 `packages`; entries marked `dev` left out),
 * each with the version actually installed under node_modules, so drift between lock and disk shows.
 */
export function runtimePackages(root: string): RuntimePackage[] {
  const lockPath = join(root, "package-lock.json");
  if (!existsSync(lockPath)) throw new AuditInputError(`${lockPath} not found`);
  let lock: { lockfileVersion?: number; packages?: Record<string, LockEntry> };
  try {
    lock = JSON.parse(readFileSync(lockPath, "utf8"));
  } catch (error) {
    throw new AuditInputError(`${lockPath} is not JSON: ${(error as Error).message}`);
  }
  if (lock.packages === undefined || typeof lock.packages !== "object") {
    throw new AuditInputError(`${lockPath}: lockfileVersion ${lock.lockfileVersion} has no "packages" map`);
  }
  const found: RuntimePackage[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === "" || entry.dev === true || entry.link === true || entry.version === undefined) continue;
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const manifest = join(root, path, "package.json");
    const installed = existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version
      : undefined;
    found.push({ name, path, locked: entry.version, installed });
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}
