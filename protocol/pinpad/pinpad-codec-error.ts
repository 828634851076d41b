import { ProtocolError } from "../errors.js";

/** A PIN-pad packet or message that cannot be built or parsed; `path` names the field (e.g. "GPN.PAN"). */
export class PinPadCodecError extends ProtocolError {}
