/**
 * Who may sign in at the terminal, numbered as Chinese POS terminals number them (操作员号):
 *   "00"        主管 (supervisor) — an administrator: approves voids, refunds, settlement; manages the
 *               operators' passwords
 *   "99"        系统管理员 (system administrator) — an administrator: parameters, backup/restore, reset
 *   "01".."98"  收银员 (operators / cashiers) — sales, reprints, sign-out
 * Both "00" and "99" have the administrator role; what each role may run is the permissions table.
 */
export const ROLES = ["operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const SUPERVISOR_ID = "00";
export const SYSTEM_ADMIN_ID = "99";
export const FIRST_OPERATOR_ID = "01";

const USER_ID = /^\d{2}$/;

export function isUserId(value: unknown): value is string {
  return typeof value === "string" && USER_ID.test(value);
}

/** The role a user number carries: 00 and 99 administer, 01..98 operate. */
export function roleOf(userId: string): Role {
  return userId === SUPERVISOR_ID || userId === SYSTEM_ADMIN_ID ? "admin" : "operator";
}

/**
 * First-boot passwords (the ones printed in the terminal's manual), as ASCII digit codes so no password
 * is ever a JS string in this module: 00 → 123456, 99 → 12345678, 01 → 000000. Each is stored `expired`:
 * it opens nothing until it has been changed.
 */
const DEFAULT_PASSWORD_DIGITS: Readonly<Record<string, readonly number[]>> = {
  [SUPERVISOR_ID]: [1, 2, 3, 4, 5, 6],
  [SYSTEM_ADMIN_ID]: [1, 2, 3, 4, 5, 6, 7, 8],
  [FIRST_OPERATOR_ID]: [0, 0, 0, 0, 0, 0],
};

export const FIRST_BOOT_USERS: readonly string[] = Object.keys(DEFAULT_PASSWORD_DIGITS);

/** A fresh Buffer holding the user's first-boot password; the caller zeroes it. */
export function defaultPassword(userId: string): Buffer {
  const digits = DEFAULT_PASSWORD_DIGITS[userId];
  if (!digits) throw new RangeError(`no first-boot password for user ${userId}`);
  return Buffer.from(digits.map((d) => 0x30 + d));
}
