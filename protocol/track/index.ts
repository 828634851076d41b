/** Magnetic stripe: ISO 7811 track formats, financial fields, service codes, reader output formats. */

export { maskPan } from "../pan-mask.js";
export {
  parseTrack1,
  parseTrack2,
  parseTrack3,
  type Track1Fields,
  type Track2Fields,
  type Track3Fields,
} from "./fields.js";
export {
  decodeMagtekReport,
  encodeMagtekReport,
  MAGTEK_REPORT_LENGTH,
  MAGTEK_STATUS,
  type MagtekEncodeType,
  type MagtekReport,
  type MagtekTrackField,
} from "./magtek-hid-report.js";
export {
  decodeMsrSerialRecord,
  encodeMsrSerialRecord,
  goodTrackRecord,
  MSR_SENTINELS,
  type MsrTrackRecord,
} from "./msr-serial.js";
export { type SentinelTrack, splitTrackText } from "./sentinel-text.js";
export { pinRequirement, requiresChip, type ServiceCodeInfo, serviceCodeInfo } from "./service-code.js";
export {
  decryptTrackDigits,
  encryptTrackDigits,
  MIN_ENCRYPTED_TRACK_DIGITS,
  TrackCipherError,
  trackCipherOffset,
} from "./track-encryption.js";
export { TrackError } from "./track-error.js";
export {
  decodeTrackBits,
  encodeTrackBits,
  TRACK_FORMATS,
  type TrackBitsDecode,
  type TrackFormat,
  type TrackNumber,
  type TrackStatus,
  trackCodes,
  trackLrcCharacter,
} from "./track-format.js";
