import { ProtocolError } from "../errors.js";

/** Bad key length, bad block length, failed check value or MAC, malformed key block or PIN block. */
export class CryptoError extends ProtocolError {}
