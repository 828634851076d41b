import { CryptoError } from "../crypto-error.js";

/** Malformed KSN, BDK, key register state or key type request in DUKPT code. */
export class DukptError extends CryptoError {}

/**
 * The transaction counter has passed its last usable value: the device must stop originating
 * transactions until a new initial key is loaded (X9.24-1 "cease operation").
 */
export class DukptExhaustedError extends DukptError {}
