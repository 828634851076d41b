import { CryptoError } from "../crypto-error.js";

/**
 * Malformed PIN, PAN or PIN block. Messages name the format, the nibble position and what is wrong;
 * they never contain PIN digits, and a PAN appears only masked.
 */
export class PinBlockError extends CryptoError {}
