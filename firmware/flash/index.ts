export { FlashReceiver, type FlashReceiverOptions, type ReceivedImage } from "./flash-receiver.js";
export { type TransferState, TransferStore } from "./transfer-store.js";
