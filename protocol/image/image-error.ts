import { ProtocolError } from "../errors.js";

/** A firmware image (header, manifest, payload archive or signature block) that does not parse. */
export class ImageError extends ProtocolError {}
