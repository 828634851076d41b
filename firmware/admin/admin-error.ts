/**
 * An administration refusal. `reason` is what the terminal's screen keys its message on:
 *   unknown-user     no such operator number
 *   wrong-password   the password did not verify (the failure was counted)
 *   locked           too many failures: refused without looking at the password until `lockedUntil`
 *   expired          the password verified but is a first-boot default (or was reset): change it first
 *   forbidden        the user's role may not run this function
 *   weak-password    a new password that is not 6..12 digits
 *   same-password    a new password equal to the old one
 *   unsettled        factory reset refused: unsettled transactions would be lost
 *   settings         the admin settings section is invalid (`setting` names the path)
 *   user-file        the user file is unreadable or malformed
 * Messages never carry a password.
 */
export type AdminErrorReason =
  | "unknown-user"
  | "wrong-password"
  | "locked"
  | "expired"
  | "forbidden"
  | "weak-password"
  | "same-password"
  | "unsettled"
  | "settings"
  | "user-file";

export class AdminError extends Error {
  override name = "AdminError";
  constructor(
    readonly reason: AdminErrorReason,
    message: string,
    readonly details: { setting?: string; lockedUntil?: Date; userId?: string } = {},
  ) {
    super(details.setting ? `admin ${details.setting}: ${message}` : `admin: ${message}`);
  }

  get setting(): string | undefined {
    return this.details.setting;
  }
}
