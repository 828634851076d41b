export type { CardInput, CardInputMode, CodeScanner } from "./card-input.js";
export { type CardReaders, type WatchOptions, waitForCardInput } from "./card-watcher.js";
