import fc from "fast-check";

/** Splits `bytes` at the given cut points (any order, duplicates and out-of-range cuts allowed). */
export function splitAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const at of points) {
    chunks.push(bytes.subarray(from, at));
    from = at;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/** Random cut points for a stream of up to `max` bytes, including empty chunks. */
export const cutsArb = (max: number) => fc.array(fc.nat(max), { maxLength: 40 });
