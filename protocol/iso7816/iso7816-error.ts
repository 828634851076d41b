import { ProtocolError } from "../errors.js";

/** An ATR, APDU or TPDU/T=1 block that breaks ISO/IEC 7816-3/-4. */
export class Iso7816Error extends ProtocolError {}

/** The ATR is malformed (TS, interface-byte chain, historical bytes, TCK). */
export class AtrError extends Iso7816Error {}

/** A command or response APDU that cannot be built or split. */
export class ApduError extends Iso7816Error {}

/** A T=0 exchange that went wrong (too many 61xx/6Cxx rounds, 61xx where it is not legal). */
export class T0Error extends Iso7816Error {}

/** A T=1 block that cannot be parsed, or a block exchange that cannot recover. */
export class T1Error extends Iso7816Error {}
