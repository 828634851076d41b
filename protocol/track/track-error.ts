import { ProtocolError } from "../errors.js";

/** Track text or a reader record that breaks ISO/IEC 7811/7813/4909 or the reader's output format. */
export class TrackError extends ProtocolError {}
