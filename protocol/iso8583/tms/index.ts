export { type AidRecord, buildAidRecord, parseAidRecord } from "./aid-record.js";
export {
  type BlacklistPage,
  buildBlacklistPage,
  buildBlacklistRequest,
  parseBlacklistPage,
  parseBlacklistRequest,
} from "./blacklist.js";
export { buildCapkRecord, type CapkRecord, parseCapkRecord } from "./capk-record.js";
export {
  buildAidDownloadRequest,
  buildCapkDownloadRequest,
  buildDownloadResponse,
  parseAidDownloadRequest,
  parseCapkDownloadRequest,
  parseDownloadResponse,
} from "./download.js";
export { buildTerminalParameters, parseTerminalParameters, type TerminalParameters } from "./parameters.js";
export {
  buildAidQueryResponse,
  buildCapkQueryResponse,
  buildQueryRequest,
  type CapkListEntry,
  parseAidQueryResponse,
  parseCapkQueryResponse,
  parseQueryRequest,
  type QueryPage,
} from "./query.js";
export { buildTmsRequest, TmsCode, type TmsRequestValues, tmsMti } from "./request.js";
export type { TmsPageStatus } from "./status.js";
export { TmsError } from "./tms-error.js";
