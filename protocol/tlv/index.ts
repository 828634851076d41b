/** BER-TLV (EMV Book 3 annex B), Data Object Lists, the EMV tag dictionary and a masked dump. */
export {
  DEFAULT_MAX_DEPTH,
  type DecodeTlvOptions,
  decodeTlv,
  encodeTlv,
  MAX_DEPTH_CAP,
  type TlvNode,
} from "./ber.js";
export { encodeLength, isConstructedTag, parseTag } from "./ber-header.js";
export { type DescribeTlvOptions, describeTlv } from "./describe.js";
export {
  type BuildDolOptions,
  buildDolData,
  type DolEntry,
  type DolSource,
  dolDataLength,
  encodeDol,
  fitValue,
  parseDol,
} from "./dol.js";
export { type EmvFormat, type EmvTagInfo, emvTag, emvTagList } from "./emv-tags.js";
export { type FlattenOptions, findAllTags, findTag, flattenTlv } from "./query.js";
export { TlvError } from "./tlv-error.js";
