export { aidInputOf } from "./aid-merge.js";
export { replaceFiles } from "./atomic-files.js";
export {
  partsFor,
  TerminalTms,
  type TerminalTmsOptions,
  TMS_FILES,
  type TmsOutcome,
} from "./terminal-tms.js";
export { TmsDownloadError } from "./tms-download-error.js";
export {
  type TmsCounters,
  type TmsDownload,
  TmsDownloader,
  type TmsLink,
  type TmsPart,
} from "./tms-downloader.js";
