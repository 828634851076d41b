import { ProtocolError } from "../errors.js";

/** A receipt element the encoder refuses, or bytes the ESC/POS status / stream decoders cannot take. */
export class EscPosError extends ProtocolError {}
