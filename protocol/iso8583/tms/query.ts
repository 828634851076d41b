import { toHex } from "../../hex.js";
import { encodeTlv } from "../../tlv/ber.js";
import { buildCount, readCount, readStatus, statusByte, type TmsPageStatus } from "./status.js";
import { checkLength, decodeFlat, hexValue } from "./tlv-fields.js";
import { TmsError } from "./tms-error.js";

/**
 * CAPK (60.3 372) and AID (382) queries, 0820. Request 62 = ASCII "1" + two digits: how many entries
 * the terminal has received so far ("100" first). Response 62 = status ('0'/'1'/'2') + the entries.
 */
export function buildQueryRequest(received: number): Buffer {
  return Buffer.concat([Buffer.from("1", "latin1"), buildCount(received, 2, "query.count")]);
}

export function parseQueryRequest(data: Buffer): { received: number } {
  if (data.length !== 3)
    throw new TmsError(`is ${data.length} bytes, must be 3`, { path: "query", offset: 0 });
  if (data[0] !== 0x31) throw new TmsError("must start with ASCII '1'", { path: "query", offset: 0 });
  return { received: readCount(data, 1, 2, "query.count") };
}

/** One CAPK as the query lists it: RID, index and expiry (YYYYMMDD). */
export interface CapkListEntry {
  rid: string;
  index: string;
  expiry: string;
}

export interface QueryPage<T> {
  status: TmsPageStatus;
  entries: T[];
}

const EXPIRY = /^\d{8}$/;

export function buildCapkQueryResponse(page: QueryPage<CapkListEntry>): Buffer {
  const nodes = page.entries.flatMap((e, i) => {
    const path = `capk query entry ${i + 1}`;
    if (!EXPIRY.test(e.expiry)) throw new TmsError("expiry must be YYYYMMDD", { path: `${path} tag DF05` });
    return [
      { tag: "9F06", value: hexValue(e.rid, `${path} tag 9F06`, 5, 5) },
      { tag: "9F22", value: hexValue(e.index, `${path} tag 9F22`, 1, 1) },
      { tag: "DF05", value: Buffer.from(e.expiry, "latin1") },
    ];
  });
  return Buffer.concat([Buffer.of(statusByte(page.status)), encodeTlv(nodes)]);
}

/** Entries come as 9F06, 9F22, DF05 triples in that order. */
export function parseCapkQueryResponse(data: Buffer): QueryPage<CapkListEntry> {
  const status = readStatus(data, "capk query");
  const nodes = decodeFlat(data.subarray(1), "capk query", 1);
  if (nodes.length % 3 !== 0) {
    throw new TmsError(`${nodes.length} objects, not whole 9F06/9F22/DF05 triples`, { path: "capk query" });
  }
  const entries: CapkListEntry[] = [];
  for (let i = 0; i < nodes.length; i += 3) {
    const path = `capk query entry ${i / 3 + 1}`;
    const [rid, index, expiry] = [nodes[i]!, nodes[i + 1]!, nodes[i + 2]!];
    if (rid.tag !== "9F06" || index.tag !== "9F22" || expiry.tag !== "DF05") {
      throw new TmsError(`expected 9F06 9F22 DF05, got ${rid.tag} ${index.tag} ${expiry.tag}`, { path });
    }
    const text = checkLength(expiry.value, "DF05", [8], path).toString("latin1");
    if (!EXPIRY.test(text)) throw new TmsError("expiry is not 8 ASCII digits", { path: `${path} tag DF05` });
    entries.push({
      rid: toHex(checkLength(rid.value, "9F06", [5], path)),
      index: toHex(checkLength(index.value, "9F22", [1], path)),
      expiry: text,
    });
  }
  return { status, entries };
}

export function buildAidQueryResponse(page: QueryPage<string>): Buffer {
  const nodes = page.entries.map((aid, i) => ({
    tag: "9F06",
    value: hexValue(aid, `aid query entry ${i + 1} tag 9F06`, 5, 16),
  }));
  return Buffer.concat([Buffer.of(statusByte(page.status)), encodeTlv(nodes)]);
}

/** Entries are 9F06 objects (AIDs, 5..16 bytes), uppercase hex. */
export function parseAidQueryResponse(data: Buffer): QueryPage<string> {
  const status = readStatus(data, "aid query");
  const entries = decodeFlat(data.subarray(1), "aid query", 1).map((node, i) => {
    const path = `aid query entry ${i + 1}`;
    if (node.tag !== "9F06") throw new TmsError(`expected 9F06, got ${node.tag}`, { path });
    if (node.value.length < 5 || node.value.length > 16) {
      throw new TmsError(`AID of ${node.value.length} bytes, must be 5..16`, { path: `${path} tag 9F06` });
    }
    return toHex(node.value);
  });
  return { status, entries };
}
