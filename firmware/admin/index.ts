/** Administration: users and roles, passwords, the permissions table, factory reset. */
export { AdminError, type AdminErrorReason } from "./admin-error.js";
export {
  type ErasableKeys,
  type FactoryResetOptions,
  type FactoryResetResult,
  factoryReset,
  type ResettableJournal,
} from "./factory-reset.js";
export { factorySettings } from "./factory-settings.js";
export {
  checkScryptParams,
  DEFAULT_SCRYPT,
  deriveScrypt,
  HASH_BYTES,
  hashPassword,
  needsRehash,
  type PasswordHash,
  SALT_BYTES,
  type ScryptParams,
  verifyPassword,
} from "./password-hash.js";
export { checkNewPassword, MAX_PASSWORD_DIGITS, MIN_PASSWORD_DIGITS } from "./password-policy.js";
export {
  ADMIN_FUNCTIONS,
  type AdminFunction,
  type AdminSettings,
  type AdminSettingsInput,
  adminSettingsSchema,
  DEFAULT_PERMISSIONS,
  type LockoutPolicy,
  mayRun,
  type Permissions,
  parseAdminSettings,
} from "./permissions.js";
export {
  defaultPassword,
  FIRST_BOOT_USERS,
  FIRST_OPERATOR_ID,
  isUserId,
  ROLES,
  type Role,
  roleOf,
  SUPERVISOR_ID,
  SYSTEM_ADMIN_ID,
} from "./roles.js";
export { type StorageLayout, storageLayout } from "./storage-layout.js";
export {
  type AuthenticatedUser,
  USER_FILE,
  type UserStatus,
  UserStore,
  type UserStoreOptions,
} from "./user-store.js";
