import { CryptoError } from "../crypto-error.js";

/** Bad PAN, PSN, ATC, key or cryptogram length in EMV key derivation and cryptogram code. */
export class EmvCryptoError extends CryptoError {}
