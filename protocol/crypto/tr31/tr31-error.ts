import { CryptoError } from "../crypto-error.js";

/**
 * A malformed, tampered or unusable TR-31 / X9.143 key block. `path` names the header field
 * ("version", "length", "keyUsage", "optionalBlocks[1].length", "mac", "keyLength", …) and `offset`
 * the character offset into the block where known.
 */
export class Tr31Error extends CryptoError {}
