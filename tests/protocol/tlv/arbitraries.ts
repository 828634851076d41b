import fc from "fast-check";
import type { TlvNode } from "../../../protocol/tlv/index.js";

/** A structurally valid BER tag: 1 byte, or a 1F-style first byte plus 1..3 subsequent bytes. */
export function tagArb(constructed?: boolean): fc.Arbitrary<string> {
  const firstBits = fc
    .record({
      cls: fc.integer({ min: 0, max: 3 }),
      cons: constructed === undefined ? fc.boolean() : fc.constant(constructed),
    })
    .map(({ cls, cons }) => (cls << 6) | (cons ? 0x20 : 0));
  const single = fc
    .tuple(firstBits, fc.integer({ min: 0, max: 0x1e }))
    .map(([hi, lo]) => hi | lo)
    .filter((b) => b !== 0x00)
    .map((b) => Buffer.of(b));
  const multi = fc
    .tuple(
      firstBits.filter((hi) => hi !== 0xe0), // FF is filler, never a first tag byte
      fc.array(fc.integer({ min: 0x80, max: 0xff }), { maxLength: 2 }),
      fc.integer({ min: 0x00, max: 0x7f }),
    )
    .map(([hi, middle, last]) => Buffer.from([hi | 0x1f, ...middle, last]));
  return fc.oneof(single, multi).map((bytes) => bytes.toString("hex").toUpperCase());
}

/** Trees of TLV nodes; constructed nodes carry children (their value is recomputed by encode). */
export const tlvTreeArb: fc.Arbitrary<TlvNode[]> = fc.letrec<{ node: TlvNode; nodes: TlvNode[] }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc
      .record({ tag: tagArb(false), value: fc.uint8Array({ maxLength: 300 }) })
      .map(({ tag, value }) => ({ tag, value: Buffer.from(value) })),
    fc.record({ tag: tagArb(true), children: tie("nodes") }).map(({ tag, children }) => ({
      tag,
      value: Buffer.alloc(0),
      children,
    })),
  ),
  nodes: fc.array(tie("node"), { maxLength: 4, depthIdentifier: "tlv" }),
})).nodes;

/** Comparable view of a tree: tags, primitive values as hex, children; ignores template values. */
export interface Shape {
  tag: string;
  value?: string;
  children?: Shape[];
}

export function shape(nodes: readonly TlvNode[]): Shape[] {
  return nodes.map((n) =>
    n.children
      ? { tag: n.tag, children: shape(n.children) }
      : { tag: n.tag, value: n.value.toString("hex").toUpperCase() },
  );
}
