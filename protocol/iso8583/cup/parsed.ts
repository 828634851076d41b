import { ProtocolError } from "../../errors.js";
import type { TlvNode } from "../../tlv/index.js";
import type { Iso8583Message } from "../spec.js";
import { parseField44 } from "../subfields/field44.js";
import {
  parseBatchUploadCount,
  parseBatchUploadRecords,
  parseSettlementTotals,
} from "../subfields/field48.js";
import { parseField53 } from "../subfields/field53.js";
import { parseField55 } from "../subfields/field55.js";
import { parseField60 } from "../subfields/field60.js";
import { parseField61 } from "../subfields/field61.js";
import { parseField62 } from "../subfields/field62.js";
import { parseField63 } from "../subfields/field63.js";

/** A TLV node as JSON: tag, value hex, children. */
export interface TlvJson {
  tag: string;
  value: string;
  children?: TlvJson[];
}

export function tlvToJson(nodes: readonly TlvNode[]): TlvJson[] {
  return nodes.map((n) => ({
    tag: n.tag,
    value: n.value.toString("hex").toUpperCase(),
    ...(n.children ? { children: tlvToJson(n.children) } : {}),
  }));
}

/** Which layout field 48 has in this message (§1.7), or undefined when it is not one we know. */
function field48View(message: Iso8583Message, value: string): unknown {
  const mti = message.mti;
  if (mti === "0500" || mti === "0510") return parseSettlementTotals(value);
  if (mti === "0320" || mti === "0330") {
    const code = message.fields[60]?.slice(8, 11);
    if (code === "202" || code === "207") return { uploadCount: parseBatchUploadCount(value) };
    return { records: parseBatchUploadRecords(value) };
  }
  return undefined;
}

export interface ParsedView {
  parsed: Record<string, unknown>;
  /** Composite fields whose flat value did not fit their layout: field → one-line reason. */
  parseErrors: Record<string, string>;
}

/**
 * The typed views of the composite fields of a CUP message (posctl's "parsed"). The flat values
 * stay authoritative; a composite that does not fit its layout is reported, not fatal.
 */
export function parsedView(message: Iso8583Message): ParsedView {
  const parsed: Record<string, unknown> = {};
  const parseErrors: Record<string, string> = {};
  const f = message.fields;
  const views: [number, (value: string) => unknown][] = [
    [44, parseField44],
    [48, (v) => field48View(message, v)],
    [53, parseField53],
    [55, (v) => tlvToJson(parseField55(Buffer.from(v, "hex")))],
    [60, parseField60],
    [61, parseField61],
    [
      62,
      (v) => {
        if (message.mti !== "0810") return undefined;
        const keys = parseField62(Buffer.from(v, "hex"));
        return Object.fromEntries(
          Object.entries(keys).map(([k, x]) => [k, Buffer.isBuffer(x) ? x.toString("hex").toUpperCase() : x]),
        );
      },
    ],
    [63, parseField63],
  ];
  for (const [n, view] of views) {
    const value = f[n];
    if (value === undefined) continue;
    try {
      const result = view(value);
      if (result !== undefined) parsed[n] = result;
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      parseErrors[n] = error.message;
    }
  }
  return { parsed, parseErrors };
}
