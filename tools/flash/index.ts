export {
  type FlashProgress,
  type FlashResult,
  FlashSendError,
  type FlashSendOptions,
  sendImage,
} from "./flash-sender.js";
export { barView, lineView, type ProgressView } from "./progress-view.js";
