import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteQueue } from "../../../protocol/framing/byte-queue.js";

type Op = { push: number[] } | { skip: number } | { find: [number, number, number] } | "clear";

describe("ByteQueue against an array model", () => {
  it("push/skip/indexOf/copy/clear behave like a plain array through growth and compaction", () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ push: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 90 }) }),
      fc.record({ skip: fc.nat(100) }),
      fc.record({ find: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat(120), fc.nat(120)) }),
      fc.constant("clear" as const),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const q = new ByteQueue();
        let model: number[] = [];
        for (const o of ops) {
          if (o === "clear") {
            q.clear();
            model = [];
          } else if ("push" in o) {
            q.push(Uint8Array.from(o.push));
            model.push(...o.push);
          } else if ("skip" in o) {
            q.skip(o.skip);
            model = model.slice(o.skip);
          } else {
            const [byte, from, to] = o.find;
            const end = Math.min(to, model.length);
            const at = model.slice(0, end).indexOf(byte, from);
            expect(q.indexOf(byte, from, to)).toBe(from >= end ? -1 : at);
          }
          expect(q.length).toBe(model.length);
          expect([...q.copy(0, q.length)]).toEqual(model);
          if (model.length > 0) expect(q.at(model.length - 1)).toBe(model.at(-1));
        }
      }),
      { seed: 3, numRuns: 500 },
    );
  });
});
