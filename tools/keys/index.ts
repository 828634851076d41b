export { kbpkFromHexBytes, readKbpkFile } from "./kbpk-file.js";
export { KeyLoadError } from "./key-load-error.js";
export { appendKeyLoads, KEY_LOAD_LOG, type KeyLoadRecord, readKeyLoads } from "./key-load-log.js";
export {
  type KeyLoadingBlock,
  type KeyLoadingFile,
  type KeyLoadSlot,
  parseKeyLoadingFile,
} from "./key-loading-file.js";
export { type LoadedKey, type LoadKeysOptions, loadKeys } from "./load-keys.js";
