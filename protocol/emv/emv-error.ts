import { ProtocolError } from "../errors.js";

/** Malformed EMV data object content (AFL, CVM list, AIP, CID, CAPK entry, field 55 input). */
export class EmvDataError extends ProtocolError {}
