import { decodeTlv, flattenTlv, type TlvNode } from "../../../protocol/tlv/index.js";

/** What the kernel keeps from a SELECT answer (Book 1 §11.3.4). */
export interface Fci {
  dfName: Buffer;
  /** Every primitive object of the FCI (50, 87, 9F38, 5F2D, 9F11, 9F12, 88, BF0C contents…). */
  data: Map<string, Buffer>;
}

/** Parses `6F{84, A5{…}}`; undefined when the answer is not an FCI the kernel can use. */
export function parseFci(response: Buffer): Fci | undefined {
  let nodes: TlvNode[];
  try {
    nodes = decodeTlv(response, { skipPadding: true });
  } catch {
    return undefined;
  }
  const template = nodes[0];
  if (nodes.length !== 1 || template?.tag !== "6F" || !template.children) return undefined;
  const dfName = template.children.find((n) => n.tag === "84");
  const proprietary = template.children.find((n) => n.tag === "A5");
  if (!dfName || !proprietary) return undefined;
  let data: Map<string, Buffer>;
  try {
    data = flattenTlv(template.children);
  } catch {
    return undefined;
  }
  return { dfName: Buffer.from(dfName.value), data };
}
