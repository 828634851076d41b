import { ProtocolError } from "../../errors.js";
import { decodeTlv, encodeTlv, type TlvNode } from "../../tlv/index.js";
import { Iso8583Error } from "../errors.js";

/**
 * Field 55 (b..512): BER-TLV EMV data. Unknown tags and their order are kept by the TLV codec,
 * so parse∘build is the identity on well-formed data. TLV errors come back as Iso8583Error
 * naming field 55, with the TLV error (tag, offset) as the message and the cause.
 */
export function parseField55(value: Buffer, options: { baseOffset?: number } = {}): TlvNode[] {
  try {
    return decodeTlv(value, { baseOffset: options.baseOffset ?? 0 });
  } catch (error) {
    if (error instanceof ProtocolError)
      throw new Iso8583Error(error.message, { path: "field 55", cause: error });
    throw error;
  }
}

export function buildField55(nodes: readonly TlvNode[]): Buffer {
  try {
    return encodeTlv(nodes);
  } catch (error) {
    if (error instanceof ProtocolError)
      throw new Iso8583Error(error.message, { path: "field 55", cause: error });
    throw error;
  }
}
