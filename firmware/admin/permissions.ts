import { z } from "zod";
import { AdminError } from "./admin-error.js";
import { ROLES, type Role } from "./roles.js";

/** The functions the terminal guards with a password, as the settings name them. */
export const ADMIN_FUNCTIONS = [
  "void",
  "refund",
  "settlement",
  "preauth-void",
  "completion-void",
  "sign-out",
  "parameter-download",
  "reprint",
  "backup-restore",
  "factory-reset",
  "password-admin",
] as const;
export type AdminFunction = (typeof ADMIN_FUNCTIONS)[number];

export type Permissions = Readonly<Record<AdminFunction, readonly Role[]>>;

const ADMIN_ONLY: readonly Role[] = ["admin"];
const ANYONE: readonly Role[] = ["operator", "admin"];

/**
 * Defaults: anything that gives money back or closes the books needs the administrator (void, refund,
 * settlement — and the pre-auth voids, which are voids too), as do the terminal-wide functions.
 * Operators reprint and sign out.
 */
export const DEFAULT_PERMISSIONS: Permissions = {
  void: ADMIN_ONLY,
  refund: ADMIN_ONLY,
  settlement: ADMIN_ONLY,
  "preauth-void": ADMIN_ONLY,
  "completion-void": ADMIN_ONLY,
  "sign-out": ANYONE,
  "parameter-download": ADMIN_ONLY,
  reprint: ANYONE,
  "backup-restore": ADMIN_ONLY,
  "factory-reset": ADMIN_ONLY,
  "password-admin": ADMIN_ONLY,
};

export interface LockoutPolicy {
  /** Consecutive failures that lock the user. */
  maxFailures: number;
  /** First lock period; each further lock doubles it, up to maxLockMs. */
  baseLockMs: number;
  maxLockMs: number;
}

export interface AdminSettings {
  permissions: Permissions;
  lockout: LockoutPolicy;
}

const roleList = z
  .array(z.enum(ROLES, { error: `expected one of ${ROLES.join(", ")}` }), {
    error: `expected a list of roles (${ROLES.join(", ")})`,
  })
  .min(1, { error: "at least one role must be allowed (the administrator at least)" });

const positiveMs = (max: number) =>
  z
    .number({ error: "expected a number of milliseconds" })
    .int({ error: "expected a whole number of milliseconds" })
    .min(1_000, { error: "expected at least 1000 ms" })
    .max(max, { error: `expected at most ${max} ms` });

/**
 * The `admin` section of the terminal configuration. Every key is optional; a permission given replaces
 * the default list for that function; an unknown function or key is refused by name.
 */
export const adminSettingsSchema = z
  .strictObject({
    permissions: z
      .strictObject(
        Object.fromEntries(ADMIN_FUNCTIONS.map((f) => [f, roleList.optional()])) as Record<
          AdminFunction,
          z.ZodOptional<typeof roleList>
        >,
      )
      .prefault({}),
    lockout: z
      .strictObject({
        maxFailures: z
          .number({ error: "expected a number" })
          .int({ error: "expected a whole number" })
          .min(1, { error: "expected 1..20" })
          .max(20, { error: "expected 1..20" })
          .default(5),
        baseLockMs: positiveMs(86_400_000).default(60_000),
        maxLockMs: positiveMs(7 * 86_400_000).default(3_600_000),
      })
      .prefault({}),
  })
  .prefault({});

export type AdminSettingsInput = z.input<typeof adminSettingsSchema>;

/** Validates the section; the error names the first setting at fault ("admin.permissions.refund[0]"). */
export function parseAdminSettings(json: unknown, source = "admin"): AdminSettings {
  const result = adminSettingsSchema.safeParse(json ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const unknown = issue.code === "unrecognized_keys" ? issue.keys : [];
    const path = [...issue.path, ...unknown.slice(0, 1)].reduce<string>(
      (text, key) => (typeof key === "number" ? `${text}[${key}]` : `${text}.${String(key)}`),
      source,
    );
    const message = unknown.length > 0 ? "is not a known setting" : issue.message;
    throw new AdminError("settings", message, { setting: path });
  }
  const { permissions, lockout } = result.data;
  if (lockout.maxLockMs < lockout.baseLockMs) {
    throw new AdminError("settings", "must not be below baseLockMs", {
      setting: `${source}.lockout.maxLockMs`,
    });
  }
  const merged = { ...DEFAULT_PERMISSIONS } as Record<AdminFunction, readonly Role[]>;
  for (const fn of ADMIN_FUNCTIONS) {
    const roles = permissions[fn];
    if (roles) merged[fn] = [...new Set(roles)];
  }
  return { permissions: merged, lockout };
}

export function mayRun(
  role: Role,
  fn: AdminFunction,
  permissions: Permissions = DEFAULT_PERMISSIONS,
): boolean {
  return permissions[fn].includes(role);
}
