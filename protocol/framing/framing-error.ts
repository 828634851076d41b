import { ProtocolError } from "../errors.js";

/** A frame that cannot be built or a byte stream that cannot be split into frames. */
export class FramingError extends ProtocolError {}
