import { timingSafeEqual } from "node:crypto";
import { AdminError } from "../admin/admin-error.js";
import { PASSWORD_CHANGE_REFUSALS } from "./screens.js";
import type {
  PasswordChangeRefusal,
  PasswordChangeRequest,
  PasswordChangeResult,
} from "./terminal-services.js";

/** The part of UserStore a password change needs. */
export interface PasswordChanger {
  changePassword(userId: string, oldPassword: Buffer, newPassword: Buffer): Promise<void>;
}

const REFUSALS: ReadonlySet<string> = new Set(Object.keys(PASSWORD_CHANGE_REFUSALS));
const isRefusal = (reason: string): reason is PasswordChangeRefusal => REFUSALS.has(reason);

const refused = (reason: PasswordChangeRefusal): PasswordChangeResult => ({
  ok: false,
  reason,
  ...PASSWORD_CHANGE_REFUSALS[reason],
});

/**
 * The terminal's change-password screen behind its service: the repeat must equal the new password
 * (compared in constant time, before the store spends a lockout attempt), then UserStore.changePassword
 * applies the admin module's rules. Refusals come back as results with their zh/en text; anything else
 * (an unreadable user file) rejects. The Buffers stay the caller's: nothing here keeps or copies them.
 */
export async function changeOwnPassword(
  users: PasswordChanger,
  request: PasswordChangeRequest,
): Promise<PasswordChangeResult> {
  const { next, repeat } = request;
  if (next.length !== repeat.length || !timingSafeEqual(next, repeat)) return refused("mismatch");
  try {
    await users.changePassword(request.userId, request.current, next);
    return { ok: true, zh: "密码修改成功", en: "Password changed" };
  } catch (error) {
    if (error instanceof AdminError && isRefusal(error.reason)) return refused(error.reason);
    throw error;
  }
}
