import { ProtocolError } from "../errors.js";

/** Malformed BER-TLV or DOL: the path names the tag (or "tag" when it could not be read), offset the byte. */
export class TlvError extends ProtocolError {}
