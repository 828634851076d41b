import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { writeFileAtomic } from "../../drivers/storage/atomic-file.js";
import { AdminError } from "./admin-error.js";
import {
  checkScryptParams,
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  type ScryptParams,
  verifyPassword,
} from "./password-hash.js";
import { checkNewPassword } from "./password-policy.js";
import { type AdminFunction, type AdminSettings, mayRun, parseAdminSettings } from "./permissions.js";
import { defaultPassword, FIRST_BOOT_USERS, isUserId, ROLES, type Role, roleOf } from "./roles.js";

const FORMAT = 1;

const hashSchema = z.strictObject({
  algorithm: z.literal("scrypt"),
  N: z.number().int(),
  r: z.number().int(),
  p: z.number().int(),
  salt: z.base64(),
  hash: z.base64(),
});

const userSchema = z.strictObject({
  role: z.enum(ROLES),
  password: hashSchema,
  /** A first-boot default or an administrator's reset: must be changed before it opens anything. */
  expired: z.boolean(),
  /** Consecutive failures since the last success or lock. */
  failures: z.number().int().min(0),
  /** Locks since the last success: the next lock lasts base × 2^lockouts. */
  lockouts: z.number().int().min(0),
  lockedUntil: z.iso.datetime().optional(),
});

const userFileSchema = z.strictObject({
  format: z.literal(FORMAT),
  users: z.record(z.string().regex(/^\d{2}$/), userSchema),
});

type UserRecord = z.infer<typeof userSchema>;
type UserFile = z.infer<typeof userFileSchema>;

export interface UserStoreOptions {
  /** The terminal's clock: lock periods are measured on it. */
  clock?: () => Date;
  /** Parameters for new hashes (tests lower N; the default is DEFAULT_SCRYPT). */
  scrypt?: ScryptParams;
  /** The `admin` configuration section, already parsed (default: every default). */
  settings?: AdminSettings;
  random?: (n: number) => Buffer;
}

export interface AuthenticatedUser {
  userId: string;
  role: Role;
}

export interface UserStatus extends AuthenticatedUser {
  expired: boolean;
  /** Set while the user is locked out. */
  lockedUntil?: Date;
}

export const USER_FILE = "users.json";

/**
 * The terminal's users and their password hashes, one JSON file (mode 0600) replaced atomically after
 * every change, failure counts included, so switching the terminal off does not reset a lockout.
 * Passwords arrive as Buffers and are never turned into strings here; the caller zeroes them.
 * Operations run one at a time, so two key presses cannot race a failure count.
 */
export class UserStore {
  private readonly clock: () => Date;
  private readonly scrypt: ScryptParams;
  private readonly random: ((n: number) => Buffer) | undefined;
  readonly settings: AdminSettings;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private state: UserFile,
    options: UserStoreOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.scrypt = checkScryptParams(options.scrypt ?? DEFAULT_SCRYPT);
    this.random = options.random;
    this.settings = options.settings ?? parseAdminSettings({});
  }

  /** Opens the user file, writing the first-boot users (expired default passwords) when there is none. */
  static async open(path: string, options: UserStoreOptions = {}): Promise<UserStore> {
    if (existsSync(path)) return new UserStore(path, readUserFile(path), options);
    const store = new UserStore(path, await firstBootFile(options), options);
    store.commit(store.state);
    return store;
  }

  /** Writes the first-boot users over whatever is there (factory reset). */
  static async resetToFirstBoot(path: string, options: UserStoreOptions = {}): Promise<UserStore> {
    const store = new UserStore(path, await firstBootFile(options), options);
    store.commit(store.state);
    return store;
  }

  list(): UserStatus[] {
    const now = this.clock().getTime();
    return Object.entries(this.state.users)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([userId, user]) => {
        const until = user.lockedUntil ? new Date(user.lockedUntil) : undefined;
        return {
          userId,
          role: user.role,
          expired: user.expired,
          ...(until && until.getTime() > now ? { lockedUntil: until } : {}),
        };
      });
  }

  /** May this role run `fn` by the permissions table? */
  may(role: Role, fn: AdminFunction): boolean {
    return mayRun(role, fn, this.settings.permissions);
  }

  /** Checks the password (counting failures, honouring a lock); refuses an expired one after it verified. */
  authenticate(userId: string, password: Buffer): Promise<AuthenticatedUser> {
    return this.serial(async () => {
      const user = await this.verify(userId, password);
      if (user.expired) {
        throw new AdminError("expired", `the password of user ${userId} must be changed before use`, {
          userId,
        });
      }
      return { userId, role: user.role };
    });
  }

  /** authenticate, then the permissions table: refuses a role that may not run `fn`. */
  async authorize(userId: string, password: Buffer, fn: AdminFunction): Promise<AuthenticatedUser> {
    const user = await this.authenticate(userId, password);
    if (!this.may(user.role, fn)) {
      throw new AdminError("forbidden", `user ${userId} (${user.role}) may not run ${fn}`, { userId });
    }
    return user;
  }

  /** The user changes their own password: the old one must verify (an expired one does), the new one is new. */
  changePassword(userId: string, oldPassword: Buffer, newPassword: Buffer): Promise<void> {
    return this.serial(async () => {
      checkNewPassword(newPassword);
      const user = await this.verify(userId, oldPassword);
      checkNewPassword(newPassword, oldPassword);
      const password = await hashPassword(newPassword, this.scrypt, this.random);
      this.put(userId, { ...user, password, expired: false });
    });
  }

  /**
   * An administrator (with the password-admin permission) sets another user's password, or creates an
   * operator number that does not exist yet. The new password is expired: its owner changes it first.
   */
  async setPassword(
    admin: { userId: string; password: Buffer },
    targetId: string,
    newPassword: Buffer,
  ): Promise<void> {
    if (!isUserId(targetId)) throw new AdminError("unknown-user", "a user number is two digits 00..99");
    await this.authorize(admin.userId, admin.password, "password-admin");
    if (targetId === admin.userId) {
      throw new AdminError("forbidden", "change your own password with the old one", { userId: targetId });
    }
    return this.serial(async () => {
      checkNewPassword(newPassword);
      const password = await hashPassword(newPassword, this.scrypt, this.random);
      const role = this.state.users[targetId]?.role ?? roleOf(targetId);
      this.put(targetId, { role, password, expired: true, failures: 0, lockouts: 0 });
    });
  }

  // ---- inside the queue ----------------------------------------------------------------------------

  private async verify(userId: string, password: Buffer): Promise<UserRecord> {
    const found = isUserId(userId) ? this.state.users[userId] : undefined;
    if (!found)
      throw new AdminError("unknown-user", `no user ${isUserId(userId) ? userId : "with that number"}`);
    const now = this.clock();
    let user = found;
    if (user.lockedUntil) {
      const until = new Date(user.lockedUntil);
      if (now.getTime() < until.getTime()) {
        throw new AdminError("locked", `user ${userId} is locked until ${until.toISOString()}`, {
          userId,
          lockedUntil: until,
        });
      }
      const { lockedUntil: _expired, ...rest } = user;
      user = { ...rest, failures: 0 };
    }
    if (!(await verifyPassword(password, user.password))) {
      const failures = user.failures + 1;
      const { maxFailures, baseLockMs, maxLockMs } = this.settings.lockout;
      if (failures < maxFailures) {
        this.put(userId, { ...user, failures });
        throw new AdminError("wrong-password", `wrong password for user ${userId}`, { userId });
      }
      const period = Math.min(baseLockMs * 2 ** Math.min(user.lockouts, 30), maxLockMs);
      const until = new Date(now.getTime() + period);
      this.put(userId, {
        ...user,
        failures: 0,
        lockouts: user.lockouts + 1,
        lockedUntil: until.toISOString(),
      });
      throw new AdminError(
        "locked",
        `wrong password for user ${userId}; locked until ${until.toISOString()}`,
        {
          userId,
          lockedUntil: until,
        },
      );
    }
    // Success: counters reset, and a hash made under older parameters is re-made under the current ones.
    const password_ = needsRehash(user.password, this.scrypt)
      ? await hashPassword(password, this.scrypt, this.random)
      : user.password;
    const { lockedUntil: _cleared, ...rest } = user;
    const next: UserRecord = { ...rest, password: password_, failures: 0, lockouts: 0 };
    if (JSON.stringify(next) !== JSON.stringify(found)) this.put(userId, next);
    return next;
  }

  private put(userId: string, user: UserRecord): void {
    this.commit({ ...this.state, users: { ...this.state.users, [userId]: user } });
  }

  private commit(next: UserFile): void {
    writeFileAtomic(this.path, Buffer.from(`${JSON.stringify(next, null, 1)}\n`), 0o600);
    this.state = next;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

async function firstBootFile(options: UserStoreOptions): Promise<UserFile> {
  const params = checkScryptParams(options.scrypt ?? DEFAULT_SCRYPT);
  const users: Record<string, UserRecord> = {};
  for (const userId of FIRST_BOOT_USERS) {
    const password = defaultPassword(userId);
    try {
      users[userId] = {
        role: roleOf(userId),
        password: await hashPassword(password, params, options.random),
        expired: true,
        failures: 0,
        lockouts: 0,
      };
    } finally {
      password.fill(0);
    }
  }
  return { format: FORMAT, users };
}

function readUserFile(path: string): UserFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new AdminError("user-file", `${path} is not readable JSON (${(error as Error).message})`);
  }
  const parsed = userFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AdminError("user-file", `${path} is malformed at ${issue.path.join(".") || "top level"}`);
  }
  for (const [userId, user] of Object.entries(parsed.data.users)) {
    checkScryptParams(user.password, `users.${userId}.password`);
  }
  return parsed.data;
}
