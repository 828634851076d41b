import { CryptoError } from "./crypto-error.js";

/** Bad MAC key length, output length or padding choice; the path names the parameter. */
export class MacError extends CryptoError {}
