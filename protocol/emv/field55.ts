import { decodeTlv, encodeTlv, type TlvNode } from "../tlv/index.js";
import { TlvError } from "../tlv/tlv-error.js";
import { EmvDataError } from "./emv-error.js";

/** One field 55 tag set of the UnionPay POS dialect: the order to emit, and which tags must be there. */
export interface Field55TagSet {
  name: string;
  /** Emission order. */
  tags: readonly string[];
  mandatory: readonly string[];
}

/** Online request (sale, balance inquiry, pre-auth): research notes §1.13 / CUP 域55. */
export const FIELD55_REQUEST: Field55TagSet = {
  name: "request",
  tags: [
    "9F26",
    "9F27",
    "9F10",
    "9F37",
    "9F36",
    "95",
    "9A",
    "9C",
    "9F02",
    "5F2A",
    "82",
    "9F1A",
    "9F03",
    "9F33",
    "9F34",
    "9F35",
    "9F1E",
    "84",
    "9F09",
    "9F41",
    "9F63",
    "9F74",
  ],
  mandatory: [
    "9F26",
    "9F27",
    "9F10",
    "9F37",
    "9F36",
    "95",
    "9A",
    "9C",
    "9F02",
    "5F2A",
    "82",
    "9F1A",
    "9F03",
    "9F33",
  ],
};

/**
 * Contactless (qPBOC/qVSDC and the M/Chip-style kernel): the request set plus the contactless tags (TTQ
 * 9F66, CTQ 9F6C, available offline amount 9F5D). Which tags a tap yields depends on the kernel path
 * (qVSDC may omit 9F27; with CDA the cryptogram travels inside the signature), so only the ATC is
 * required here and the kernels decide what must be present.
 */
export const FIELD55_CONTACTLESS_REQUEST: Field55TagSet = {
  name: "contactless-request",
  tags: [...FIELD55_REQUEST.tags, "9F66", "9F6C", "9F5D"],
  mandatory: ["9F36"],
};

/** Reversal 0400: only 9F36 is mandatory. */
export const FIELD55_REVERSAL: Field55TagSet = {
  name: "reversal",
  tags: ["95", "9F1E", "9F10", "9F36", "DF31"],
  mandatory: ["9F36"],
};

/** Batch upload 0320 / TC upload: the request set carrying the final cryptogram (TC) and its CID. */
export const FIELD55_TC_UPLOAD: Field55TagSet = {
  name: "tc-upload",
  tags: FIELD55_REQUEST.tags,
  mandatory: FIELD55_REQUEST.mandatory,
};

/** Script result notification 0620 (LiaoYang stScriptResultTagList order). */
export const FIELD55_SCRIPT_RESULT: Field55TagSet = {
  name: "script-result",
  tags: ["9F33", "95", "9F37", "9F1E", "9F10", "9F26", "9F36", "82", "DF31", "9F1A", "9A"],
  mandatory: ["95", "9F10", "9F26", "9F36", "82", "DF31", "9F1A", "9A"],
};

/** IC offline-declined / failure upload: the online list, every tag optional. */
export const FIELD55_FAILURE_UPLOAD: Field55TagSet = {
  name: "failure-upload",
  tags: FIELD55_REQUEST.tags,
  mandatory: [],
};

export type TagValues = ReadonlyMap<string, Buffer> | Readonly<Record<string, Buffer | undefined>>;

/**
 * Builds field 55 as BER-TLV: the set's tags in the set's order, each present value once. Tags in
 * `values` that the set does not list are not emitted (the kernel may pass its whole data store);
 * a missing or empty mandatory tag is an error naming it.
 */
export function buildField55(set: Field55TagSet, values: TagValues): Buffer {
  const lookup = (tag: string): Buffer | undefined =>
    values instanceof Map ? values.get(tag) : (values as Record<string, Buffer | undefined>)[tag];
  const nodes: TlvNode[] = [];
  for (const tag of set.tags) {
    const value = lookup(tag);
    if (value === undefined || value.length === 0) {
      if (set.mandatory.includes(tag)) {
        throw new EmvDataError(`mandatory tag missing from the ${set.name} set`, { path: `tag ${tag}` });
      }
      continue;
    }
    nodes.push({ tag, value });
  }
  const encoded = encodeTlv(nodes);
  if (encoded.length > 255) {
    // LLL b..255 in the CUP dialect (newer specs allow 512): let the message layer decide, but say so early.
    throw new EmvDataError(`field 55 is ${encoded.length} bytes, over the 255 the CUP dialect allows`, {
      path: "field 55",
    });
  }
  return encoded;
}

/** Issuer data from the response's field 55. */
export interface Field55Response {
  /** Issuer authentication data (91): ARPC ‖ ARC or CSU. */
  issuerAuthenticationData?: Buffer;
  /** Issuer scripts to run before the final GENERATE AC (71 templates, whole TLV). */
  scriptsBeforeFinalAc: Buffer[];
  /** Issuer scripts to run after it (72 templates, whole TLV). */
  scriptsAfterFinalAc: Buffer[];
  /** 8A when the host sent one in field 55. */
  authorisationResponseCode?: Buffer;
}

export function parseField55Response(field55: Buffer): Field55Response {
  let nodes: TlvNode[];
  try {
    nodes = decodeTlv(field55);
  } catch (error) {
    if (error instanceof TlvError) {
      throw new EmvDataError(error.message, { path: "field 55", cause: error });
    }
    throw error;
  }
  const result: Field55Response = { scriptsBeforeFinalAc: [], scriptsAfterFinalAc: [] };
  for (const node of nodes) {
    if (node.tag === "91") result.issuerAuthenticationData = Buffer.from(node.value);
    else if (node.tag === "8A") result.authorisationResponseCode = Buffer.from(node.value);
    else if (node.tag === "71")
      result.scriptsBeforeFinalAc.push(encodeTlv([{ tag: "71", value: node.value }]));
    else if (node.tag === "72")
      result.scriptsAfterFinalAc.push(encodeTlv([{ tag: "72", value: node.value }]));
  }
  return result;
}

/** For logs: the tags a field 55 carries, in order. */
export function field55Tags(field55: Buffer): string[] {
  try {
    return decodeTlv(field55).map((node) => node.tag);
  } catch (error) {
    if (error instanceof TlvError) throw new EmvDataError(error.message, { path: "field 55", cause: error });
    throw error;
  }
}
