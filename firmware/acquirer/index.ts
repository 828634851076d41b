/** The terminal's link to the acquirer host: connectors (TCP, TLS with pinning, modem socket) and the exchange. */
export {
  AcquirerAbortedError,
  AcquirerClosedError,
  AcquirerConnectError,
  AcquirerDisconnectedError,
  AcquirerError,
  AcquirerFrameError,
  AcquirerPinningError,
  AcquirerTimeoutError,
} from "./acquirer-errors.js";
export {
  type AcquirerEvent,
  AcquirerLink,
  type AcquirerLinkOptions,
  type AcquirerReply,
  type ExpectedResponse,
  matchesResponse,
} from "./acquirer-link.js";
export { type BackoffOptions, ConnectBackoff, DEFAULT_BACKOFF } from "./backoff.js";
export {
  type Connector,
  modemConnector,
  spkiSha256,
  type TcpEndpoint,
  type TlsEndpoint,
  tcpConnector,
  tlsConnector,
} from "./connectors.js";
export { AcquirerFrameReader, FrameStreamError, type ReceivedFrame } from "./frame-reader.js";
