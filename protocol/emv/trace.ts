import { HexError } from "../errors.js";
import { fromHex, toHex } from "../hex.js";
import { parseCommandApdu, splitResponse, swHex } from "../iso7816/apdu.js";
import { swMeaning } from "../iso7816/status-words.js";
import { decodeTlv, describeTlv, type TlvNode } from "../tlv/index.js";
import { TlvError } from "../tlv/tlv-error.js";
import { parseAfl } from "./afl.js";
import { parseAip } from "./aip.js";
import { describeEmvCommand } from "./apdu-describe.js";
import { parseCid } from "./cid.js";
import { parseCvmList } from "./cvm.js";
import { EmvDataError } from "./emv-error.js";

/** One command/response pair of a trace file: hex, the response ending in its SW (or absent). */
export interface TraceExchange {
  c: Buffer;
  r: Buffer | undefined;
}

/** Validates the trace JSON `{"apdus":[{"c":"…","r":"…"}]}`; errors name the element at fault. */
export function parseEmvTrace(json: unknown): TraceExchange[] {
  if (typeof json !== "object" || json === null || !Array.isArray((json as { apdus?: unknown }).apdus)) {
    throw new EmvDataError('trace must be an object with an "apdus" array', { path: "trace" });
  }
  return (json as { apdus: unknown[] }).apdus.map((entry, i) => {
    const path = `apdus[${i}]`;
    if (typeof entry !== "object" || entry === null) throw new EmvDataError("not an object", { path });
    const { c, r } = entry as { c?: unknown; r?: unknown };
    if (typeof c !== "string") throw new EmvDataError('"c" must be a hex string', { path: `${path}.c` });
    if (r !== undefined && r !== null && typeof r !== "string") {
      throw new EmvDataError('"r" must be a hex string or null', { path: `${path}.r` });
    }
    return { c: hexOf(c, `${path}.c`), r: typeof r === "string" ? hexOf(r, `${path}.r`) : undefined };
  });
}

export interface DescribeTraceOptions {
  /** Show PAN, track and cardholder data in clear. PIN data is never shown. */
  reveal?: boolean;
}

/** Pretty-prints a trace: each command named and decoded, each response's TLV with EMV tag names. */
export function describeEmvTrace(
  exchanges: readonly TraceExchange[],
  options: DescribeTraceOptions = {},
): string {
  const lines: string[] = [];
  exchanges.forEach((exchange, i) => {
    const command = parseCommandApdu(exchange.c);
    const description = describeEmvCommand(command);
    const raw = description.showData
      ? toHex(exchange.c)
      : `${toHex(exchange.c.subarray(0, 4))} [data hidden]`;
    lines.push(`#${i + 1} > ${raw}`);
    lines.push(`   ${description.name}: ${description.details}`);
    if (exchange.r === undefined) {
      lines.push("   < (no response recorded)");
      return;
    }
    const response = splitResponse(exchange.r);
    lines.push(`   < ${swHex(response.sw)} ${swMeaning(response.sw)}`);
    if (response.data.length === 0) return;
    lines.push(...indent(describeResponseData(command.ins, response.data, options), "     "));
  });
  return lines.join("\n");
}

function describeResponseData(ins: number, data: Buffer, options: DescribeTraceOptions): string[] {
  // GET CHALLENGE answers a bare random number, not TLV.
  if (ins === 0x84) return [`unpredictable number: ${toHex(data)}`];
  let nodes: TlvNode[];
  try {
    nodes = decodeTlv(data, { skipPadding: true });
  } catch (error) {
    if (!(error instanceof TlvError)) throw error;
    const body = options.reveal ? toHex(data) : `[hidden ${data.length} bytes]`;
    return [`not BER-TLV (${error.message}): ${body}`];
  }
  return [...describeTlv(nodes, { reveal: options.reveal === true }).split("\n"), ...annotate(ins, nodes)];
}

/** Decoded meaning of the few objects a trace reader always wants spelled out. */
function annotate(ins: number, nodes: readonly TlvNode[]): string[] {
  const notes: string[] = [];
  const visit = (list: readonly TlvNode[]): void => {
    for (const node of list) {
      if (node.children) visit(node.children);
      else notes.push(...explain(ins, node));
    }
  };
  visit(nodes);
  return notes;
}

function explain(ins: number, node: TlvNode): string[] {
  try {
    if (node.tag === "80" && ins === 0xa8 && node.value.length >= 2) {
      return [
        ...explain(ins, { tag: "82", value: node.value.subarray(0, 2) }),
        ...explain(ins, { tag: "94", value: node.value.subarray(2) }),
      ];
    }
    if (node.tag === "80" && ins === 0xae && node.value.length >= 11) {
      return explain(ins, { tag: "9F27", value: node.value.subarray(0, 1) });
    }
    if (node.tag === "82") {
      const aip = parseAip(node.value);
      const on = Object.entries(aip)
        .filter(([key, value]) => key !== "raw" && value === true)
        .map(([key]) => key);
      return [`= AIP: ${on.join(", ") || "nothing supported"}`];
    }
    if (node.tag === "94") {
      return parseAfl(node.value).map(
        (e) => `= AFL: SFI ${e.sfi} records ${e.firstRecord}-${e.lastRecord}, ${e.odaRecords} for ODA`,
      );
    }
    if (node.tag === "9F27") {
      const cid = parseCid(node.value);
      return [`= CID: ${cid.type}${cid.adviceRequired ? ", advice required" : ""}, ${cid.reason}`];
    }
    if (node.tag === "8E") {
      const list = parseCvmList(node.value);
      return [
        `= CVM list: X ${list.amountX}, Y ${list.amountY}`,
        ...list.rules.map(
          (rule) =>
            `=   ${rule.method} if ${rule.condition}${rule.applyNextIfUnsuccessful ? ", else next" : ""}`,
        ),
      ];
    }
  } catch (error) {
    if (error instanceof EmvDataError) return [`= ${node.tag}: ${error.message}`];
    throw error;
  }
  return [];
}

function indent(lines: readonly string[], prefix: string): string[] {
  return lines.map((line) => `${prefix}${line}`);
}

/** Hex of a trace entry; bad hex is the trace's own error (EmvDataError), like every other fault in it. */
function hexOf(text: string, path: string): Buffer {
  try {
    return fromHex(text, path);
  } catch (error) {
    if (!(error instanceof HexError)) throw error;
    const where = `${path}${error.offset === undefined ? "" : `, offset ${error.offset}`}: `;
    const detail = error.message.startsWith(where) ? error.message.slice(where.length) : error.message;
    throw new EmvDataError(detail, {
      path,
      ...(error.offset === undefined ? {} : { offset: error.offset }),
      cause: error,
    });
  }
}
