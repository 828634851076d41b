import { describe, expect, it } from "vitest";
import { readStripe } from "../../../../../tools/rig/emulators/magstripe/index.js";
import { ScriptedCard } from "../../../../../tools/rig/virtual-card.js";

const card = new ScriptedCard({
  name: "c",
  tracks: { track1: "B6212345678901234^ZHANG/SAN^2512201", track2: "6212345678901234=2512201" },
  responses: {},
});

describe("readStripe: heads, faults as damaged bits", () => {
  it("reads the tracks the card has and the heads chosen", () => {
    expect(readStripe(card).map((r) => [r.track, r.status])).toEqual([
      [1, "ok"],
      [2, "ok"],
    ]);
    expect(readStripe(card, { tracks: [2] }).map((r) => r.track)).toEqual([2]);
  });
  it("parity, LRC, partial and reverse", () => {
    const reads = readStripe(card, {
      faults: [
        { track: 1, kind: "parity" },
        { track: 2, kind: "lrc" },
      ],
    });
    expect(reads.map((r) => r.status)).toEqual(["parity-error", "lrc-error"]);
    expect(readStripe(card, { faults: [{ track: 2, kind: "partial" }], tracks: [2] })[0]!.status).not.toBe(
      "ok",
    );
    expect(readStripe(card, { reverse: true }).map((r) => r.text?.toString())).toEqual([
      "B6212345678901234^ZHANG/SAN^2512201",
      "6212345678901234=2512201",
    ]);
  });
});
