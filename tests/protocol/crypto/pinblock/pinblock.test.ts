import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as pinblock from "../../../../protocol/crypto/pinblock/index.js";
import {
  decodePinBlock,
  encodePinBlock,
  type PinBlockSpec,
} from "../../../../protocol/crypto/pinblock/pinblock.js";
import { PinBlockError } from "../../../../protocol/crypto/pinblock/pinblock-error.js";
import { panArb, pinArb, prng, seedArb } from "./support.js";

describe("PIN block dispatch by format number", () => {
  it("agrees with the per-format functions", () => {
    fc.assert(
      fc.property(pinArb, panArb(13), seedArb, (pin, pan, seed) => {
        expect(encodePinBlock(pin, { format: 0, pan })).toEqual(pinblock.encodePinBlockIso0(pin, pan));
        expect(encodePinBlock(pin, { format: 1 }, { random: prng(seed) })).toEqual(
          pinblock.encodePinBlockIso1(pin, { random: prng(seed) }),
        );
        expect(encodePinBlock(pin, { format: 2 })).toEqual(pinblock.encodePinBlockIso2(pin));
        expect(encodePinBlock(pin, { format: 3, pan }, { random: prng(seed) })).toEqual(
          pinblock.encodePinBlockIso3(pin, pan, { random: prng(seed) }),
        );
        for (const spec of [
          { format: 0, pan },
          { format: 1 },
          { format: 2 },
          { format: 3, pan },
        ] as PinBlockSpec[]) {
          expect(decodePinBlock(encodePinBlock(pin, spec, { random: prng(seed) }), spec)).toEqual(pin);
        }
      }),
      { seed: 100, numRuns: 100 },
    );
  });

  it("refuses a format it does not know with PinBlockError", () => {
    const spec = { format: 4 } as unknown as PinBlockSpec;
    expect(() => encodePinBlock(Buffer.from("1234"), spec)).toThrow(PinBlockError);
    expect(() => decodePinBlock(Buffer.alloc(8), spec)).toThrow(/unsupported 8-byte PIN block format 4/);
  });

  it("a block decoded as the wrong format is rejected", () => {
    const block = encodePinBlock(Buffer.from("1234"), { format: 2 });
    expect(() => decodePinBlock(block, { format: 1 })).toThrow(/control field 2/);
  });
});
