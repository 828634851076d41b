import { ProtocolError } from "../../errors.js";

/** A malformed TMS download payload (field 62 of the 360/370–372/380–382/390 messages). */
export class TmsError extends ProtocolError {}
