import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseAtr } from "../../../protocol/iso7816/index.js";
import { parseTrack1, parseTrack2 } from "../../../protocol/track/index.js";
import { DEFAULT_CARDS } from "../../../tools/host-sim/default-cards.js";
import { loadCardProfiles, parseCardProfiles } from "../../../tools/rig/card-profiles.js";
import { DEFAULT_RIG_CARDS } from "../../../tools/rig/default-cards.js";
import { Rig } from "../../../tools/rig/rig.js";
import { RigDataError } from "../../../tools/rig/rig-error.js";
import { loadScript, parseScript } from "../../../tools/rig/script.js";
import { ScriptedCard } from "../../../tools/rig/virtual-card.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();
const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.stop();
});

const VALID = { name: "my-card", atr: "3B600000", responses: { "00A4": "9000" } };

function cardsFile(content: unknown): string {
  const file = join(tempDir(), "cards.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("the built-in rig cards", () => {
  it("are the host simulator's test cards: same PANs in the same order, tracks from PAN + expiry + service code", () => {
    expect(DEFAULT_RIG_CARDS.map((c) => parseTrack2(c.tracks!.track2!).pan)).toEqual(
      DEFAULT_CARDS.map((c) => c.pan),
    );
    DEFAULT_RIG_CARDS.forEach((card, i) => {
      const sim = DEFAULT_CARDS[i]!;
      const t2 = parseTrack2(card.tracks!.track2!);
      const t1 = parseTrack1(card.tracks!.track1!);
      expect(t2.expiry).toBe(sim.expiry ?? "3012");
      expect(t1).toMatchObject({ pan: sim.pan, expiry: t2.expiry, serviceCode: t2.serviceCode });
      if (sim.emv) {
        // Chip cards: service code 2xx, an ATR that parses, a Type A identity, SELECT answers.
        expect(["201", "220"]).toContain(t2.serviceCode);
        expect(parseAtr(Buffer.from(card.atr!, "hex")).defaultProtocol).toBeTypeOf("number");
        expect(card.contactless).toMatchObject({ atqa: "0004", sak: 0x20 });
        const chip = new ScriptedCard(card);
        const ppse = chip.transmit(Buffer.from("00A404000E325041592E5359532E444446303100", "hex"));
        expect(ppse.subarray(-2).toString("hex")).toBe("9000");
        expect(chip.transmit(Buffer.from("80A8000002830000", "hex")).toString("hex")).toBe("6d00");
      } else {
        expect(t2.serviceCode).toBe("101");
        expect(card.atr).toBeUndefined();
        expect(card.contactless).toBeUndefined();
      }
    });
    expect(new Set(DEFAULT_RIG_CARDS.map((c) => c.contactless?.uid).filter(Boolean)).size).toBe(3);
  });

  it("pass the profile file's own validation (as JSON)", () => {
    expect(parseCardProfiles(JSON.parse(JSON.stringify(DEFAULT_RIG_CARDS)))).toEqual(DEFAULT_RIG_CARDS);
  });
});

describe("card profile files", () => {
  it("loads a valid file and the rig uses it instead of the built-in set", async () => {
    const file = cardsFile([VALID, { name: "stripe", tracks: { track2: "6212345678901234=30121010000" } }]);
    const cards = loadCardProfiles(file);
    expect(cards.map((c) => c.name)).toEqual(["my-card", "stripe"]);
    const rig = await Rig.start({ cards });
    rigs.push(rig);
    expect(rig.cardNames()).toEqual(["my-card", "stripe"]);
    expect(() => rig.insert("cup-debit")).toThrow('no card "cup-debit" (the rig has my-card, stripe)');
  });

  it.each([
    [
      [{ ...VALID, contactless: { uid: "010203", atqa: "0004", sak: 32, ats: "05" } }],
      "[0].contactless.uid: must be 4, 7, 10 bytes, got 3",
    ],
    [[VALID, { ...VALID, atr: "3B6" }], "[1].atr: atr must be hex, whole bytes"],
    [[VALID, VALID], '[1].name: duplicate card name "my-card"'],
    [[{ ...VALID, name: "has space" }], "[0].name: must be 1..40 letters, digits"],
    [
      [{ ...VALID, tracks: { track2: "6212;34" } }],
      "[0].tracks.track2: offset 4: character 0x3b is not allowed on this track",
    ],
    [[{ ...VALID, tracks: { track1: `B${"1".repeat(80)}` } }], "[0].tracks.track1: 81 characters exceed 76"],
    [[{ ...VALID, responses: { "00A4": "90" } }], "[0].responses.00A4: must be at least 2 bytes, got 1"],
    [[{ ...VALID, pin: "1234" }], "[0]: Unrecognized key"],
    [{ cards: [] }, ": Invalid input: expected array"],
    [[], ": holds no cards"],
  ])("refuses %j naming the entry and field", (content, message) => {
    const file = cardsFile(content);
    const error = (() => {
      try {
        loadCardProfiles(file);
      } catch (e) {
        return e as Error;
      }
      throw new Error("accepted");
    })();
    expect(error).toBeInstanceOf(RigDataError);
    expect(error.message.startsWith(`${file}${message}`)).toBe(true);
  });

  it("names the file when it is missing or not JSON", () => {
    expect(() => loadCardProfiles("/nonexistent/cards.json")).toThrow(
      "/nonexistent/cards.json: cannot read: ENOENT",
    );
    const file = cardsFile("[{");
    expect(() => loadCardProfiles(file)).toThrow(`${file}: not valid JSON`);
  });
});

describe("rig scripts", () => {
  it("parses steps into actions, keeping `at`", () => {
    expect(
      parseScript([
        { action: "insert", args: { card: "cup-debit" } },
        { at: 500, action: "enterPin", args: { digits: "123456" } },
        { action: "remove" },
      ]),
    ).toEqual([
      { action: { action: "insert", card: "cup-debit" } },
      { at: 500, action: { action: "enterPin", digits: "123456" } },
      { action: { action: "remove" } },
    ]);
  });

  it.each([
    [[{ action: "fly" }], 'script[0].action: unknown action "fly" (one of insert, tap, swipe, remove'],
    [[{ action: "remove" }, { action: "tap" }], "script[1].args.card: "],
    [[{ action: "enterPin", args: { digits: "12ab" } }], "script[0].args.digits: must be 1..16 digits"],
    [[{ action: "swipe", args: { card: "x", fault: { track: 4, kind: "lrc" } } }], "script[0].args.fault"],
    [
      [{ action: "remove", args: { action: "tap" } }],
      "script[0].args.action: the action belongs in the step",
    ],
    [[{ at: -1, action: "remove" }], "script[0].at: "],
    [[{ action: "remove", extra: 1 }], "script[0]: Unrecognized key"],
    [{ steps: [] }, "script: Invalid input: expected array"],
  ])("refuses %j naming the step", (steps, message) => {
    expect(() => parseScript(steps)).toThrow(message);
  });

  it("loads a script file, naming the file in errors", () => {
    const dir = tempDir();
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify([{ action: "paperOut" }]));
    expect(loadScript(good)).toEqual([{ action: { action: "paperOut" } }]);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify([{ action: "tap", args: { card: "" } }]));
    expect(() => loadScript(bad)).toThrow(`${bad}[0].args.card: `);
  });
});
