import { toHex } from "../../hex.js";
import { encodeTlv, type TlvNode } from "../../tlv/ber.js";
import { checkLength, decodeFlat, hexValue, requireTag, tagMap } from "./tlv-fields.js";
import { TmsError } from "./tms-error.js";

/**
 * One CA public key as a CUP TMS sends it (370 response): 9F06 RID, 9F22 index, DF05 expiry (ASCII
 * YYYYMMDD), DF06 hash algorithm (01 SHA-1), DF07 key algorithm (01 RSA), DF02 modulus, DF04 exponent,
 * DF03 checksum SHA-1(RID‖index‖modulus‖exponent). Hex values uppercase. The checksum is carried, not
 * checked here: the terminal's CapkStore checks it when it takes the key.
 */
export interface CapkRecord {
  rid: string;
  index: string;
  expiry: string;
  hashAlgorithm: string;
  keyAlgorithm: string;
  modulus: string;
  exponent: string;
  checksum?: string;
}

const PATH = "capk record";

export function buildCapkRecord(record: CapkRecord): Buffer {
  if (!/^\d{8}$/.test(record.expiry))
    throw new TmsError("expiry must be YYYYMMDD", { path: `${PATH} tag DF05` });
  const nodes: TlvNode[] = [
    { tag: "9F06", value: hexValue(record.rid, `${PATH} tag 9F06`, 5, 5) },
    { tag: "9F22", value: hexValue(record.index, `${PATH} tag 9F22`, 1, 1) },
    { tag: "DF05", value: Buffer.from(record.expiry, "latin1") },
    { tag: "DF06", value: hexValue(record.hashAlgorithm, `${PATH} tag DF06`, 1, 1) },
    { tag: "DF07", value: hexValue(record.keyAlgorithm, `${PATH} tag DF07`, 1, 1) },
    { tag: "DF02", value: hexValue(record.modulus, `${PATH} tag DF02`, 1, 248) },
    { tag: "DF04", value: hexValue(record.exponent, `${PATH} tag DF04`, 1, 3) },
  ];
  if (record.checksum !== undefined) {
    nodes.push({ tag: "DF03", value: hexValue(record.checksum, `${PATH} tag DF03`, 20, 20) });
  }
  return encodeTlv(nodes);
}

/** Tags in any order; unknown tags are skipped (hosts add their own); a repeated tag is refused. */
export function parseCapkRecord(data: Buffer, baseOffset = 0): CapkRecord {
  const map = tagMap(decodeFlat(data, PATH, baseOffset), PATH);
  const expiry = checkLength(requireTag(map, "DF05", PATH), "DF05", [8], PATH).toString("latin1");
  if (!/^\d{8}$/.test(expiry))
    throw new TmsError("expiry is not 8 ASCII digits", { path: `${PATH} tag DF05` });
  const modulus = requireTag(map, "DF02", PATH);
  if (modulus.length === 0 || modulus.length > 248) {
    throw new TmsError(`modulus of ${modulus.length} bytes`, { path: `${PATH} tag DF02` });
  }
  const checksum = map.get("DF03");
  return {
    rid: toHex(checkLength(requireTag(map, "9F06", PATH), "9F06", [5], PATH)),
    index: toHex(checkLength(requireTag(map, "9F22", PATH), "9F22", [1], PATH)),
    expiry,
    hashAlgorithm: toHex(checkLength(requireTag(map, "DF06", PATH), "DF06", [1], PATH)),
    keyAlgorithm: toHex(checkLength(requireTag(map, "DF07", PATH), "DF07", [1], PATH)),
    modulus: toHex(modulus),
    exponent: toHex(checkLength(requireTag(map, "DF04", PATH), "DF04", [1, 2, 3], PATH)),
    ...(checksum === undefined ? {} : { checksum: toHex(checkLength(checksum, "DF03", [20], PATH)) }),
  };
}
