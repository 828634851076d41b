import { ProtocolError } from "../errors.js";

/** A CCID message or CCID-over-serial frame that cannot be built or parsed. */
export class CcidError extends ProtocolError {}
