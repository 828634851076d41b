import { ProtocolError } from "../errors.js";

/** A PN532 frame or command that cannot be built or parsed; `path` names the field, `offset` the byte. */
export class Pn532Error extends ProtocolError {}
