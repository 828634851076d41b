export { abandonTrial, type BootChoice, bootSelect, markHealthy } from "./boot-select.js";
export {
  BOOT_STATE_FILE,
  type BootState,
  EMPTY_BOOT_STATE,
  otherSlot,
  readBootState,
  type SlotName,
  writeBootState,
} from "./boot-state.js";
export {
  acquireInstallLock,
  INSTALL_LOCK_FILE,
  type InstallLock,
  withInstallLock,
} from "./install-lock.js";
export {
  DEFAULT_TRIAL_BOOTS,
  type InstallOptions,
  type InstallResult,
  installUpdate,
} from "./install-update.js";
export { algorithmForKey, signatureKeyInput } from "./signature.js";
export { slotPath, type UnpackProgress } from "./slot-writer.js";
export { keyIdOfKey, type TrustedKey, trustedKeyFrom } from "./trusted-keys.js";
export { UpdateError, type UpdateRefusal } from "./update-error.js";
export { verifyImage } from "./verify-image.js";
