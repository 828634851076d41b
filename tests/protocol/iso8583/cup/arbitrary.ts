import fc from "fast-check";
import { cupSpec } from "../../../../protocol/iso8583/cup/spec.js";
import type { FieldSpec, Iso8583Message } from "../../../../protocol/iso8583/spec.js";

/** Generators of valid values and messages straight from the CUP field table. */
const DIGITS = "0123456789".split("");
const TRACK = "0123456789ABCDEF".split("");
const AN = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 "];
const ANS = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

function text(chars: string[], spec: FieldSpec, max: number): fc.Arbitrary<string> {
  const min = spec.kind === "fixed" ? spec.length : 0;
  const length = spec.kind === "fixed" ? spec.length : Math.min(spec.length, max);
  return fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: length }).map((a) => a.join(""));
}

/** A valid value for a field; variable fields capped at `max` units to keep runs fast. */
export function valueFor(spec: FieldSpec, max = 64): fc.Arbitrary<string> {
  switch (spec.format) {
    case "n":
      return text(DIGITS, spec, max);
    case "z":
      return text(TRACK, spec, max);
    case "an":
      return text(AN, spec, max);
    case "ans":
      return text(ANS, spec, max);
    case "b": {
      const min = spec.kind === "fixed" ? spec.length : 0;
      const maxBytes = spec.kind === "fixed" ? spec.length : Math.min(spec.length, max);
      return fc
        .uint8Array({ minLength: min, maxLength: maxBytes })
        .map((b) => Buffer.from(b).toString("hex").toUpperCase());
    }
  }
}

const MTIS = [
  "0100",
  "0110",
  "0200",
  "0210",
  "0220",
  "0230",
  "0320",
  "0330",
  "0400",
  "0410",
  "0500",
  "0510",
  "0800",
  "0810",
  "0820",
  "0830",
];

/** Any message the CUP spec can carry. */
export function cupMessage(max = 64): fc.Arbitrary<Iso8583Message> {
  const model: Record<string, fc.Arbitrary<string>> = {};
  for (const [n, spec] of Object.entries(cupSpec.fields)) model[n] = valueFor(spec, max);
  return fc
    .record({ mti: fc.constantFrom(...MTIS), fields: fc.record(model, { requiredKeys: [] }) })
    .map(({ mti, fields }) => {
      // Rebuild with integer keys inserted in any order; the engine sorts by bitmap order.
      const out: Record<number, string> = {};
      for (const [k, v] of Object.entries(fields)) out[Number(k)] = v as string;
      return { mti, fields: out };
    });
}
