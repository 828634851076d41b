import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAfl } from "../../../../../protocol/emv/index.js";
import { parseAtr } from "../../../../../protocol/iso7816/index.js";
import { DEFAULT_CARDS } from "../../../../../tools/host-sim/index.js";
import {
  buildAfl,
  EmvCardApplet,
  parseEmvCardProfile,
  TEST_PROFILE_NAMES,
  testProfile,
} from "../../../../../tools/rig/cards/emv/index.js";
import { RigDataError } from "../../../../../tools/rig/rig-error.js";

describe("test profiles", () => {
  it("use the host simulator's PANs, PSNs and IMK-ACs (Visa: the host's PAN, its IMK documented)", () => {
    for (const name of TEST_PROFILE_NAMES) {
      const profile = testProfile(name);
      const host = DEFAULT_CARDS.find((c) => c.pan === profile.pan);
      expect(host, name).toBeDefined();
      if (host?.emv) {
        expect(profile.issuer.imkAc).toBe(host.emv.imkAc);
        expect(profile.psn).toBe(host.emv.psn ?? "00");
        expect(profile.issuer.arpcKey).toBe(host.emv.arpcKey ?? "session");
      }
      expect(profile.pin).toBe(host?.pin);
    }
  });

  it("have the scheme AIDs and ATRs a terminal accepts", () => {
    expect(TEST_PROFILE_NAMES.map((n) => testProfile(n).application.aid)).toEqual([
      "A000000333010101",
      "A000000333010102",
      "A0000000031010",
      "A0000000041010",
    ]);
    for (const name of TEST_PROFILE_NAMES) {
      expect(() => parseAtr(new EmvCardApplet(testProfile(name)).atr!)).not.toThrow();
    }
  });
});

describe("profile validation", () => {
  const base = () => JSON.parse(JSON.stringify(testProfile("unionpay-debit"))) as Record<string, unknown>;

  it("names the field at fault", () => {
    const bad = base();
    (bad.application as Record<string, unknown>).aip = "7C";
    expect(() => parseEmvCardProfile(bad, "debit.json")).toThrow(RigDataError);
    expect(() => parseEmvCardProfile(bad, "debit.json")).toThrow(/debit\.json\.application\.aip/);
    const noKey = base();
    (noKey.issuer as Record<string, unknown>).iccKey = undefined;
    expect(() => parseEmvCardProfile(noKey)).toThrow(/iccKey: required for DDA/);
  });

  it("refuses a PAN outside the issuer certificate's identifier and unknown references", () => {
    const foreign = parseEmvCardProfile({ ...base(), pan: "6222021000000000014" });
    expect(() => new EmvCardApplet(foreign)).toThrow(/issuer identifier/);
    const bad = base();
    const records = (bad.application as { records: { data: Record<string, string> }[] }).records;
    records[0]!.data["9F1F"] = "=nothing";
    expect(() => parseEmvCardProfile(bad)).toThrow(RigDataError);
  });
});

describe("profile fuzz", () => {
  it("random JSON and damaged profiles only ever fail with RigDataError", () => {
    const good = JSON.parse(JSON.stringify(testProfile("visa"))) as Record<string, unknown>;
    const keys = Object.keys(good);
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...keys), fc.boolean(), (value, key, damage) => {
        const input = damage ? { ...good, [key]: value } : value;
        try {
          parseEmvCardProfile(input);
        } catch (error) {
          expect(error).toBeInstanceOf(RigDataError);
        }
      }),
      { seed: 0x6e6, numRuns: 300 },
    );
  });
});

describe("AFL", () => {
  it("groups contiguous records per SFI with the ODA records first, as protocol/emv parses it", () => {
    const afl = buildAfl([
      { sfi: 1, record: 1, oda: true, data: {} },
      { sfi: 1, record: 2, oda: true, data: {} },
      { sfi: 1, record: 3, oda: false, data: {} },
      { sfi: 1, record: 5, oda: false, data: {} },
      { sfi: 2, record: 1, oda: false, data: {} },
      { sfi: 2, record: 2, oda: true, data: {} },
    ]);
    expect(afl.toString("hex")).toBe("0801030208050500100101001002020" + "1");
    expect(parseAfl(afl)).toHaveLength(4);
  });
});
