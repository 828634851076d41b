import { ProtocolError } from "../../errors.js";
import { describeTlv } from "../../tlv/index.js";
import { type DescribeOptions, describeMessage, type FieldRenderer } from "../describe.js";
import type { CompiledSpec } from "../message.js";
import type { Iso8583Message, MessageSpec } from "../spec.js";
import { parseField55 } from "../subfields/field55.js";
import { parseField60 } from "../subfields/field60.js";
import { responseCode } from "./response-codes.js";
import { cupSpec } from "./spec.js";

const INDENT = "        ";

/** CUP renderings: 39 with its meaning, 60 split, 55 as masked TLV (tag names from protocol/tlv). */
const cupRenderer: FieldRenderer = (field, value, _message, masked) => {
  if (field === 39) {
    const info = responseCode(value);
    return `${JSON.stringify(value)} (${info.zh} / ${info.en}; class ${info.action}${info.reSignIn ? ", re-sign-in" : ""})`;
  }
  if (field === 60) {
    try {
      const p = parseField60(value);
      const parts = Object.entries(p).map(([k, v]) => `${k}=${v}`);
      return `${JSON.stringify(value)} (${parts.join(" ")})`;
    } catch {
      return undefined;
    }
  }
  if (field === 55) {
    try {
      const nodes = parseField55(Buffer.from(value, "hex"));
      const dump = describeTlv(nodes, { reveal: !masked });
      return `${value.length >> 1} bytes BER-TLV\n${dump
        .split("\n")
        .map((l) => INDENT + l)
        .join("\n")}`;
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return `${masked ? `[${value.length >> 1} bytes hidden]` : value} (not valid BER-TLV: ${error.message})`;
    }
  }
  return undefined;
};

/** Masked human dump of a CUP message (see describeMessage for `raw` and `reveal`). */
export function describe(
  message: Iso8583Message,
  options: DescribeOptions = {},
  spec: MessageSpec | CompiledSpec = cupSpec,
): string {
  return describeMessage(spec, message, options, cupRenderer);
}
