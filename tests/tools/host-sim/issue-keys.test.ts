import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitSignInKeys, unwrapWorkingKeys } from "../../../protocol/crypto/working-keys.js";
import { parseField62 } from "../../../protocol/iso8583/subfields/field62.js";
import { issueWorkingKeys } from "../../../tools/host-sim/index.js";
import { seededRandom } from "./harness.js";

describe("issueWorkingKeys is the exact inverse of the terminal's unwrap", () => {
  it("every layout and TMK unwraps to the issued keys with matching check values (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("001" as const, "003" as const, "004" as const),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 1, max: 0x7fffffff }),
        (layout, tmkBytes, seed) => {
          const tmk = Buffer.from(tmkBytes);
          const { keys, field62 } = issueWorkingKeys(tmk, layout, seededRandom(seed));
          expect(field62.length).toBe({ "001": 24, "003": 40, "004": 60 }[layout]);
          expect(parseField62(field62).layout).toBe(layout);
          const split = splitSignInKeys(field62);
          expect(split.layout).toBe(layout);
          const clear = unwrapWorkingKeys(tmk, split.keys);
          expect(clear.get("pik")).toEqual(keys.pik);
          expect(clear.get("mak")).toEqual(keys.mak);
          expect(clear.get("tdk")).toEqual(keys.tdk);
        },
      ),
      { seed: 1234, numRuns: 150 },
    );
  });

  it("keys have odd parity and a wrong TMK is refused by the check values", () => {
    const tmk = Buffer.from("CA5D92598DCA48CE8A4C76361A9269E9", "hex");
    const { keys, field62 } = issueWorkingKeys(tmk, "004", seededRandom(9));
    for (const key of [keys.pik, keys.mak, keys.tdk!]) {
      for (const b of key) expect(b.toString(2).split("1").length % 2).toBe(0);
    }
    const wrong = Buffer.from(tmk);
    wrong[0]! ^= 0x10;
    expect(() => unwrapWorkingKeys(wrong, splitSignInKeys(field62).keys)).toThrow(/check value/);
  });
});
