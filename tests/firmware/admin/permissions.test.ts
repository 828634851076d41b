import { describe, expect, it } from "vitest";
import {
  ADMIN_FUNCTIONS,
  AdminError,
  DEFAULT_PERMISSIONS,
  mayRun,
  parseAdminSettings,
  roleOf,
} from "../../../firmware/admin/index.js";

function settingError(json: unknown): AdminError {
  try {
    parseAdminSettings(json);
  } catch (error) {
    expect(error).toBeInstanceOf(AdminError);
    expect((error as AdminError).reason).toBe("settings");
    return error as AdminError;
  }
  throw new Error("expected a settings error");
}

describe("roles and the permissions table", () => {
  it("numbers users as Chinese terminals do: 00 and 99 administer, 01..98 operate", () => {
    expect(roleOf("00")).toBe("admin");
    expect(roleOf("99")).toBe("admin");
    expect(roleOf("01")).toBe("operator");
    expect(roleOf("42")).toBe("operator");
  });

  it("needs the administrator for void, refund and settlement by default", () => {
    for (const fn of ["void", "refund", "settlement"] as const) {
      expect(mayRun("operator", fn)).toBe(false);
      expect(mayRun("admin", fn)).toBe(true);
    }
    expect(mayRun("operator", "reprint")).toBe(true);
    expect(mayRun("operator", "sign-out")).toBe(true);
    expect(mayRun("operator", "factory-reset")).toBe(false);
    expect(Object.keys(DEFAULT_PERMISSIONS).sort()).toEqual([...ADMIN_FUNCTIONS].sort());
    for (const fn of ADMIN_FUNCTIONS) expect(mayRun("admin", fn)).toBe(true);
  });

  it("takes a configured permission over the default, keeping the rest", () => {
    const settings = parseAdminSettings({
      permissions: { refund: ["operator", "admin"], reprint: ["admin"] },
    });
    expect(mayRun("operator", "refund", settings.permissions)).toBe(true);
    expect(mayRun("operator", "reprint", settings.permissions)).toBe(false);
    expect(mayRun("operator", "void", settings.permissions)).toBe(false);
    expect(settings.lockout).toEqual({ maxFailures: 5, baseLockMs: 60_000, maxLockMs: 3_600_000 });
  });

  it("names the setting at fault", () => {
    expect(settingError({ permissions: { refund: ["cashier"] } }).setting).toBe(
      "admin.permissions.refund[0]",
    );
    expect(settingError({ permissions: { teleport: ["admin"] } }).setting).toBe("admin.permissions.teleport");
    expect(settingError({ permissions: { void: [] } }).setting).toBe("admin.permissions.void");
    expect(settingError({ permissions: { void: "admin" } }).setting).toBe("admin.permissions.void");
    expect(settingError({ lockout: { maxFailures: 0 } }).setting).toBe("admin.lockout.maxFailures");
    expect(settingError({ lockout: { baseLockMs: 60_000, maxLockMs: 5_000 } }).setting).toBe(
      "admin.lockout.maxLockMs",
    );
    expect(settingError({ colour: "red" }).message).toMatch(/admin\.colour: is not a known setting/);
  });
});
