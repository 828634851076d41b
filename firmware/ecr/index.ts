/** The terminal's cash-register (ECR) endpoint over serial, TCP and WebSocket. */
export type { EcrConnection } from "./ecr-connection.js";
export { EcrLinkError } from "./ecr-link-error.js";
export {
  type EcrLogger,
  EcrServer,
  type EcrServerAddresses,
  type EcrServerOptions,
} from "./ecr-server.js";
export type { EcrControl, EcrLookup, EcrRecoveredResult, EcrStage, EcrTerminal } from "./ecr-terminal.js";
export { parsePoiTransactionId, poiTransactionId } from "./poi-transaction-id.js";
export { paymentResponseFromRecord } from "./record-response.js";
export { EcrSerialChannel, type EcrSerialChannelOptions, type EcrSerialStats } from "./serial-channel.js";
export type { ListenAddress } from "./tcp-transport.js";
