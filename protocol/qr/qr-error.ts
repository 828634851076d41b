import { ProtocolError } from "../errors.js";

/**
 * A QR payload that does not parse or validate. `path` names the data object ("ID 54", "ID 62.05",
 * "tag 85") and `offset` the character position in the payload (MPM) or the byte offset in the decoded
 * TLV (CPM), so an operator can point at the fault in a scanned string.
 */
export class QrError extends ProtocolError {}
