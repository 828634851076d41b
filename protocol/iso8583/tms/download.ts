import { toHex } from "../../hex.js";
import { encodeTlv } from "../../tlv/ber.js";
import { checkLength, decodeFlat, hexValue, requireTag, tagMap } from "./tlv-fields.js";
import { TmsError } from "./tms-error.js";

/** 370 request 62: which CAPK (9F06 RID, 9F22 index). */
export function buildCapkDownloadRequest(key: { rid: string; index: string }): Buffer {
  return encodeTlv([
    { tag: "9F06", value: hexValue(key.rid, "capk request tag 9F06", 5, 5) },
    { tag: "9F22", value: hexValue(key.index, "capk request tag 9F22", 1, 1) },
  ]);
}

export function parseCapkDownloadRequest(data: Buffer): { rid: string; index: string } {
  const map = tagMap(decodeFlat(data, "capk request"), "capk request");
  return {
    rid: toHex(checkLength(requireTag(map, "9F06", "capk request"), "9F06", [5], "capk request")),
    index: toHex(checkLength(requireTag(map, "9F22", "capk request"), "9F22", [1], "capk request")),
  };
}

/** 380 request 62: which AID (9F06). */
export function buildAidDownloadRequest(aid: string): Buffer {
  return encodeTlv([{ tag: "9F06", value: hexValue(aid, "aid request tag 9F06", 5, 16) }]);
}

export function parseAidDownloadRequest(data: Buffer): { aid: string } {
  const map = tagMap(decodeFlat(data, "aid request"), "aid request");
  const aid = requireTag(map, "9F06", "aid request");
  if (aid.length < 5 || aid.length > 16) {
    throw new TmsError(`AID of ${aid.length} bytes, must be 5..16`, { path: "aid request tag 9F06" });
  }
  return { aid: toHex(aid) };
}

/** 370/380 response 62: '1' + the record's TLV, or '0' when the host has no such record. */
export function buildDownloadResponse(record: Buffer | undefined): Buffer {
  return record === undefined
    ? Buffer.from("0", "latin1")
    : Buffer.concat([Buffer.from("1", "latin1"), record]);
}

/** The record's TLV bytes (a view into `data`), or undefined for '0' (not found). */
export function parseDownloadResponse(data: Buffer): Buffer | undefined {
  if (data.length === 0)
    throw new TmsError("empty payload, status byte missing", { path: "download", offset: 0 });
  if (data[0] === 0x30) {
    if (data.length !== 1)
      throw new TmsError("'0' (not found) followed by data", { path: "download", offset: 1 });
    return undefined;
  }
  if (data[0] !== 0x31) throw new TmsError("status byte is not '0' or '1'", { path: "download", offset: 0 });
  if (data.length === 1) throw new TmsError("'1' without a record", { path: "download", offset: 1 });
  return data.subarray(1);
}
