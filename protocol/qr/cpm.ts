import { decodeTlv, flattenTlv, type TlvNode } from "../tlv/index.js";
import { QrError } from "./qr-error.js";

/**
 * EMVCo consumer-presented mode: the phone shows base64 of BER-TLV — `85 "CPV01"`, one `61` per
 * application, a `62` common data template (PAN, name, language, and a `63`/`64` transparent template
 * with the cryptogram the terminal forwards in field 55). emv-research.md §5.2.
 */
export interface CpmApplication {
  /** 4F. */
  aid: Buffer;
  /** 50, when present. */
  label?: string;
  /** Every primitive object of the template, tag → value. */
  data: Map<string, Buffer>;
}

export interface ConsumerPresentedQr {
  payloadFormat: "CPV01";
  applications: CpmApplication[];
  /** Primitive objects of the 62 template at any depth (5A, 5F20, 9F26…). The PAN stays a Buffer. */
  common: Map<string, Buffer>;
  /** The 63/64 transparent template's objects, re-encodable for field 55. */
  iccData: TlvNode[];
  nodes: TlvNode[];
}

/** Strict base64 (standard alphabet, padding optional): scanners never add line breaks. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Decodes and validates a CPM payload. Throws QrError naming the tag and byte offset. */
export function parseCpm(payload: string): ConsumerPresentedQr {
  if (payload.length === 0 || !BASE64.test(payload)) {
    throw new QrError("not base64", { path: "payload" });
  }
  const bytes = Buffer.from(payload, "base64");
  let nodes: TlvNode[];
  try {
    nodes = decodeTlv(bytes, { maxDepth: 4 });
  } catch (error) {
    const e = error as { path?: string; offset?: number; message: string };
    throw new QrError(`TLV: ${e.message}`, {
      path: e.path ?? "tlv",
      ...(e.offset === undefined ? {} : { offset: e.offset }),
      cause: error,
    });
  }
  const first = nodes[0];
  if (first?.tag !== "85")
    throw new QrError("payload format indicator must come first", { path: "tag 85", offset: 0 });
  if (first.value.toString("latin1") !== "CPV01") {
    throw new QrError(`payload format ${JSON.stringify(first.value.toString("latin1"))} is not "CPV01"`, {
      path: "tag 85",
      offset: 2,
    });
  }
  const applications: CpmApplication[] = [];
  let common: TlvNode | undefined;
  let offset = 0;
  for (const node of nodes) {
    if (node.tag === "61") {
      const data = flattenTlv(node.children ?? []);
      const aid = data.get("4F");
      if (!aid || aid.length < 5 || aid.length > 16) {
        throw new QrError("application template needs a 4F of 5..16 bytes", { path: "tag 61.4F", offset });
      }
      const label = data.get("50");
      applications.push({ aid, data, ...(label ? { label: label.toString("latin1") } : {}) });
    } else if (node.tag === "62") {
      if (common) throw new QrError("appears twice", { path: "tag 62", offset });
      common = node;
    } else if (node !== first && node.tag === "85") {
      throw new QrError("appears twice", { path: "tag 85", offset });
    }
    offset += encodedSize(node);
  }
  if (applications.length === 0)
    throw new QrError("at least one application template is mandatory", { path: "tag 61" });
  if (!common) throw new QrError("common data template is mandatory", { path: "tag 62" });
  const transparent = (common.children ?? []).find((n) => n.tag === "63" || n.tag === "64");
  return {
    payloadFormat: "CPV01",
    applications,
    common: flattenTlv(common.children ?? []),
    iccData: transparent?.children ?? [],
    nodes,
  };
}

/** Bytes a decoded node took on the wire (tag + length + value), to report offsets of later nodes. */
function encodedSize(node: TlvNode): number {
  const tagBytes = node.tag.length / 2;
  const n = node.value.length;
  return tagBytes + (n < 0x80 ? 1 : n < 0x100 ? 2 : 3) + n;
}
