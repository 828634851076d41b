import { toHex } from "../../hex.js";
import { decodeTlv } from "../../tlv/index.js";
import { TlvError } from "../../tlv/tlv-error.js";
import { EmvDataError } from "../emv-error.js";
import type { CapkJson } from "./capk-store.js";

/**
 * One CAPK record in the CUP/PBOC terminal-parameter TLV layout (TMS download): 9F06 RID, 9F22 index,
 * DF05 expiry (ASCII YYYYMMDD), DF06 hash algorithm, DF07 PK algorithm, DF02 modulus, DF04 exponent,
 * DF03 checksum. Returns the CapkStore JSON form; the store checks the checksum on add.
 */
export function capkFromCupTlv(record: Buffer): CapkJson {
  let values: Map<string, Buffer>;
  try {
    values = new Map(decodeTlv(record).map((node) => [node.tag, node.value]));
  } catch (error) {
    if (error instanceof TlvError)
      throw new EmvDataError(error.message, { path: "CAPK record", cause: error });
    throw error;
  }
  const need = (tag: string): Buffer => {
    const value = values.get(tag);
    if (value === undefined || value.length === 0)
      throw new EmvDataError("missing", { path: `CAPK record tag ${tag}` });
    return value;
  };
  for (const tag of ["DF06", "DF07"]) {
    const value = values.get(tag);
    if (value !== undefined && toHex(value) !== "01") {
      throw new EmvDataError(`algorithm ${toHex(value)} is not 01 (SHA-1 / RSA)`, {
        path: `CAPK record tag ${tag}`,
      });
    }
  }
  const expiry = need("DF05").toString("latin1");
  const checksum = values.get("DF03");
  return {
    rid: toHex(need("9F06")),
    index: toHex(need("9F22")),
    modulus: toHex(need("DF02")),
    exponent: toHex(need("DF04")),
    expiry,
    ...(checksum === undefined ? {} : { hash: toHex(checksum) }),
  };
}
