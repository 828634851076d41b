import { DeviceError } from "../../drivers/core/device-error.js";

/**
 * Every failure of an acquirer exchange. `sent` says whether the request bytes may have left the
 * terminal: false means the host cannot have seen it (no reversal needed), true means it may have
 * (a financial request then needs a reversal, reason 98 for a timeout, 06/96 for other faults).
 */
export class AcquirerError extends DeviceError {
  readonly sent: boolean;

  constructor(message: string, options: { sent: boolean; cause?: unknown }) {
    super("acquirer", message, options.cause === undefined ? {} : { cause: options.cause });
    this.sent = options.sent;
  }
}

/** No connection to the host: refused, unreachable, connect timeout, TLS handshake, or still in backoff. */
export class AcquirerConnectError extends AcquirerError {
  /** When the link refused to try because of backoff: ms until the next attempt is allowed. */
  readonly retryInMs: number | undefined;

  constructor(message: string, options: { cause?: unknown; retryInMs?: number } = {}) {
    super(message, { sent: false, cause: options.cause });
    this.retryInMs = options.retryInMs;
  }
}

/** The host's certificate key is not one of the pinned SPKI hashes: the handshake is refused. */
export class AcquirerPinningError extends AcquirerConnectError {
  constructor(
    /** base64 SHA-256 of the leaf certificate's SubjectPublicKeyInfo. */
    readonly spkiSha256: string,
  ) {
    super(`server certificate key sha256/${spkiSha256} is not pinned`);
  }
}

/** The request went out and no matching response came within the response timeout. */
export class AcquirerTimeoutError extends AcquirerError {
  constructor(message: string) {
    super(message, { sent: true });
  }
}

/** The connection dropped before the response came (or before the request could be written). */
export class AcquirerDisconnectedError extends AcquirerError {}

/**
 * The host sent bytes that are not a CUP frame. `offset` counts from the first byte received on the
 * connection; `path` names the part at fault ("length prefix", "tpdu.id", "field 11"…).
 */
export class AcquirerFrameError extends AcquirerError {
  readonly offset: number | undefined;
  readonly path: string | undefined;

  constructor(message: string, options: { sent: boolean; offset?: number; path?: string; cause?: unknown }) {
    super(message, options);
    this.offset = options.offset;
    this.path = options.path;
  }

  /** The same fault, restated for an exchange whose request did (or did not) leave. */
  withSent(sent: boolean): AcquirerFrameError {
    return new AcquirerFrameError(this.message.replace(/^acquirer: /, ""), {
      sent,
      offset: this.offset,
      path: this.path,
      cause: this.cause,
    });
  }
}

/** The caller's AbortSignal fired. */
export class AcquirerAbortedError extends AcquirerError {}

/** `close()` was called while the exchange was queued or running. */
export class AcquirerClosedError extends AcquirerError {}
