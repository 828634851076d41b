export { HidMagStripeReader, type HidMagStripeReaderOptions } from "./hid-magstripe-reader.js";
export { charToUsage, KeyboardWedgeDecoder, USAGE_ENTER, usageToChar } from "./keyboard-wedge.js";
export {
  type MagStripeReader,
  type MisreadReason,
  type Swipe,
  type TrackRead,
  wipeSwipe,
} from "./magstripe-reader.js";
export {
  type MagStripeTraceEvent,
  SerialMagStripeReader,
  type SerialMagStripeReaderOptions,
} from "./serial-magstripe-reader.js";
export { buildSwipe, type RawTrackResult } from "./swipe-builder.js";
