import { readLength, readTag } from "../../tlv/ber-header.js";
import { TlvError } from "../../tlv/tlv-error.js";
import type { OdaMethod } from "../aip.js";
import { failedReason, OdaError } from "./oda-error.js";

/** A record read for ODA: its SFI and the READ RECORD response data (no status word). */
export interface OdaRecord {
  sfi: number;
  data: Buffer;
}

export interface StaticDataInput {
  /** The records the AFL marks for ODA, in AFL order. */
  records: readonly OdaRecord[];
  /** Static data authentication tag list (9F4A), if the card has one. */
  sdaTagList9F4A?: Buffer | undefined;
  /** AIP (82) value, appended when 9F4A lists 82. */
  aip?: Buffer | undefined;
  /** The method being performed (decides the failure reason). Default "sda". */
  method?: OdaMethod;
}

/**
 * Static data to be authenticated (Book 3 §10.3): SFI 1–10 records contribute their 70 template's
 * value, SFI 11–30 the whole record; a record that is not a single 70 template fails ODA. 9F4A may only
 * list 82, in which case the AIP value is appended.
 */
export function buildStaticData(input: StaticDataInput): Buffer {
  const method = input.method ?? "sda";
  const fail = (message: string, path: string): OdaError =>
    new OdaError(failedReason(method), method, message, { path });
  const parts: Buffer[] = [];
  for (const [i, record] of input.records.entries()) {
    const path = `ODA record ${i + 1} (SFI ${record.sfi})`;
    const value = recordTemplateValue(record.data);
    if (value === undefined) throw fail("record is not a single 70 template", path);
    parts.push(record.sfi <= 10 ? value : record.data);
  }
  const tagList = input.sdaTagList9F4A;
  if (tagList !== undefined && tagList.length > 0) {
    if (tagList.length !== 1 || tagList[0] !== 0x82) throw fail("9F4A may only list 82", "tag 9F4A");
    if (input.aip === undefined || input.aip.length !== 2) {
      throw new OdaError("icc-data-missing", method, "9F4A lists 82 but the AIP is absent", {
        path: "tag 82",
      });
    }
    parts.push(input.aip);
  }
  return Buffer.concat(parts);
}

/** The value of a record that is exactly one `70` TLV, or undefined. */
function recordTemplateValue(data: Buffer): Buffer | undefined {
  try {
    const { tag, next } = readTag(data, 0, data.length, 0);
    if (tag !== "70") return undefined;
    const { length, next: start } = readLength(data, next, data.length, "tag 70", 0);
    return start + length === data.length ? data.subarray(start) : undefined;
  } catch (error) {
    if (error instanceof TlvError) return undefined;
    throw error;
  }
}

export interface CdaTransactionDataInput {
  /** PDOL related data as sent in GPO (without the 83 wrapper). */
  pdolData: Buffer;
  /** CDOL1 related data of the first GENERATE AC. */
  cdol1Data: Buffer;
  /** CDOL2 related data, for the second GENERATE AC only. */
  cdol2Data?: Buffer | undefined;
  /** The GENERATE AC response data: a 77 template (format 2), as received. */
  response: Buffer;
}

/**
 * The data the CDA transaction data hash code covers (Book 2 §6.6.1): PDOL data ‖ CDOL1 data
 * (‖ CDOL2 data) ‖ every TLV of the 77 response except 9F4B, byte-for-byte in received order.
 */
export function cdaTransactionData(input: CdaTransactionDataInput): Buffer {
  const fail = (message: string): OdaError =>
    new OdaError("cda-failed", "cda", message, { path: "GENERATE AC response" });
  const parts = [input.pdolData, input.cdol1Data];
  if (input.cdol2Data !== undefined) parts.push(input.cdol2Data);
  try {
    const data = input.response;
    const outer = readTag(data, 0, data.length, 0);
    if (outer.tag !== "77") throw fail("CDA needs a format 2 (77) response");
    const { length, next: start } = readLength(data, outer.next, data.length, "tag 77", 0);
    const end = start + length;
    if (end !== data.length) throw fail("data after the 77 template");
    let pos = start;
    while (pos < end) {
      const { tag, next } = readTag(data, pos, end, 0);
      const { length: valueLength, next: valueStart } = readLength(data, next, end, `tag ${tag}`, 0);
      const objectEnd = valueStart + valueLength;
      if (objectEnd > end) throw fail(`tag ${tag} runs past the 77 template`);
      if (tag !== "9F4B") parts.push(data.subarray(pos, objectEnd));
      pos = objectEnd;
    }
  } catch (error) {
    if (error instanceof TlvError) throw fail(error.message);
    throw error;
  }
  return Buffer.concat(parts);
}
