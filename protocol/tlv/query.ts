import type { TlvNode } from "./ber.js";
import { TlvError } from "./tlv-error.js";

/** First node with `tag`, searching depth-first in document order (a template before its children's siblings). */
export function findTag(nodes: readonly TlvNode[], tag: string): TlvNode | undefined {
  const wanted = tag.toUpperCase();
  for (const node of nodes) {
    if (node.tag === wanted) return node;
    if (node.children) {
      const inner = findTag(node.children, wanted);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Every node with `tag`, depth-first in document order (e.g. each `61` directory entry). */
export function findAllTags(nodes: readonly TlvNode[], tag: string): TlvNode[] {
  const wanted = tag.toUpperCase();
  const found: TlvNode[] = [];
  const walk = (list: readonly TlvNode[]): void => {
    for (const node of list) {
      if (node.tag === wanted) found.push(node);
      if (node.children) walk(node.children);
    }
  };
  walk(nodes);
  return found;
}

export interface FlattenOptions {
  /**
   * "first" keeps the first occurrence; "error" throws, as an EMV kernel must for redundant card data
   * (Book 3 §10.2: a primitive tag read twice terminates the transaction). Default "first".
   */
  duplicates?: "first" | "error";
}

/** Primitive data objects at any depth as tag → value; templates themselves are containers, not data. */
export function flattenTlv(nodes: readonly TlvNode[], options: FlattenOptions = {}): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (list: readonly TlvNode[]): void => {
    for (const node of list) {
      if (node.children) {
        walk(node.children);
        continue;
      }
      if (out.has(node.tag)) {
        if (options.duplicates === "error") {
          throw new TlvError("redundant data object (tag appears twice)", { path: `tag ${node.tag}` });
        }
        continue;
      }
      out.set(node.tag, node.value);
    }
  };
  walk(nodes);
  return out;
}
