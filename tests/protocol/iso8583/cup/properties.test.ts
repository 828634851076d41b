import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packFrame, unpackFrame } from "../../../../protocol/iso8583/cup/frame.js";
import { headerFromDigits } from "../../../../protocol/iso8583/cup/header.js";
import { cupSpec } from "../../../../protocol/iso8583/cup/spec.js";
import { pack, unpack } from "../../../../protocol/iso8583/message.js";
import { cupMessage } from "./arbitrary.js";

describe("encode∘decode identity over the CUP spec", () => {
  it("unpack(pack(m)) = m and pack(unpack(b)) = b", () => {
    fc.assert(
      fc.property(cupMessage(), (message) => {
        const packed = pack(cupSpec, message);
        const back = unpack(cupSpec, packed);
        expect(back).toEqual(message);
        expect(pack(cupSpec, back).equals(packed)).toBe(true);
      }),
      { seed: 8583, numRuns: 2000 },
    );
  });

  it("holds with full-length variable fields (55 up to 512 bytes, 59 up to 999)", () => {
    fc.assert(
      fc.property(cupMessage(999), (message) => {
        expect(unpack(cupSpec, pack(cupSpec, message))).toEqual(message);
      }),
      { seed: 8584, numRuns: 200 },
    );
  });

  it("holds for whole frames", () => {
    fc.assert(
      fc.property(
        cupMessage(),
        fc.stringMatching(/^[0-9A-F]{8}$/),
        fc.stringMatching(/^[0-9]{12}$/),
        (message, addresses, header) => {
          const frame = {
            tpdu: { destination: addresses.slice(0, 4), source: addresses.slice(4) },
            header: headerFromDigits(header),
            message,
          };
          const packed = packFrame(frame);
          expect(packed.readUInt16BE(0)).toBe(packed.length - 2);
          expect(unpackFrame(packed)).toEqual(frame);
        },
      ),
      { seed: 8585, numRuns: 1000 },
    );
  });
});
