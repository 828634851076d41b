export {
  type BoardConfig,
  incomingDirOf,
  loadBoardConfig,
  loadTrustedKeys,
  updateDirOf,
} from "./board-config.js";
export { type BoardLog, type BoardRunOptions, type BoardRunResult, runBoard } from "./board-launcher.js";
export { type BoardBoot, chooseBoot, linkNodeModules } from "./choose-boot.js";
export { type FirmwareProcess, startFirmware } from "./firmware-process.js";
export { type FlashListenerOptions, listenForFlash } from "./flash-listener.js";
export { flashOverSsh, SshFlashError, type SshFlashOptions, type SshFlashResult } from "./ssh-flash.js";
export { runningVersionOf, stageImage } from "./stage-image.js";
export { type TrialVerdict, type TrialWatch, watchTrial } from "./trial-deadline.js";
