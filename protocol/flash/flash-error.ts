import { ProtocolError } from "../errors.js";

/** A malformed flash-protocol frame or payload (bad CRC, bad length, unknown type, short field). */
export class FlashFrameError extends ProtocolError {}
