import { ProtocolError } from "../errors.js";

/** An AT command that cannot be built, or a response line / payload the parser cannot accept. */
export class AtError extends ProtocolError {}
