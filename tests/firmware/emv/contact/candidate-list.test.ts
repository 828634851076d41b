import { describe, expect, it } from "vitest";
import { buildCandidateList, chooseCandidate } from "../../../../firmware/emv/contact/index.js";
import { parseTerminalConfig } from "../../../../firmware/emv/shared/terminal-config.js";
import { loadVectors } from "../../../support/vectors.js";
import { ReplayChannel, type TraceStep } from "./support/replay-channel.js";

interface Vector {
  name: string;
  kind: string;
  apdus?: TraceStep[];
}

const vectors = loadVectors<Vector[]>("emv-public.json");
const trace = (name: string): TraceStep[] => vectors.find((v) => v.name === name)!.apdus!;

const aid = (hex: string, partialSelection: boolean) => ({
  aid: hex,
  partialSelection,
  applicationVersion: "008C",
  tacDenial: "0000000000",
  tacOnline: "0000000000",
  tacDefault: "0000000000",
  floorLimit: 0,
  randomSelection: { threshold: 0, targetPercent: 0, maxTargetPercent: 0 },
  defaultDdol: "9F3704",
  onlinePinSupported: true,
});

/** The terminal AID list of emv-utils tests/emv_build_candidate_list_test.c. */
const config = parseTerminalConfig({
  terminalCapabilities: "E0F8C8",
  additionalCapabilities: "F000F0A001",
  terminalType: "22",
  countryCode: "0528",
  currencyCode: "0978",
  currencyExponent: 2,
  ifdSerialNumber: "12345678",
  merchantCategoryCode: "5411",
  terminalId: "TERM0001",
  merchantId: "MERCHANT0000001",
  supportsCardholderConfirmation: true,
  aids: [
    aid("A0000000031010", true),
    aid("A0000000032010", false),
    aid("A0000000032020", false),
    aid("A0000000041010", true),
    aid("A0000000043060", true),
  ],
});

async function replay(name: string) {
  const channel = new ReplayChannel(trace(name));
  const result = await buildCandidateList(channel, config);
  channel.assertDone();
  return result;
}

const hex = (b: Buffer) => b.toString("hex").toUpperCase();

describe("application selection replays (emv-utils traces)", () => {
  it("PSE with two supported apps gives both, priority 1 first", async () => {
    const { candidates, source } = await replay("emv-utils-pse-multi-app-supported");
    expect(source).toBe("pse");
    expect(candidates.map((c) => hex(c.dfName))).toEqual(["A0000000032020", "A0000000032010"]);
    expect(candidates.map((c) => c.priority)).toEqual([1, 2]);
    expect(candidates[0]!.label).toBe("V PAY");
    expect(candidates.every((c) => !c.confirmationRequired)).toBe(true);
  });

  it("blocked PSE (6283) falls back to the list of AIDs", async () => {
    const { candidates, source } = await replay("emv-utils-pse-blocked");
    expect(source).toBe("aid-list");
    expect(candidates).toEqual([]);
  });

  it("an AID answering 6283 is excluded from the candidate list", async () => {
    const { candidates } = await replay("emv-utils-aid-blocked");
    expect(candidates).toEqual([]);
  });

  it("partial selection follows 'next occurrence' until 6A82", async () => {
    const { candidates, source } = await replay("emv-utils-aid-multi-partial-match-app-supported");
    expect(source).toBe("aid-list");
    expect(candidates.map((c) => hex(c.dfName))).toEqual(["A000000004101010", "A000000004101020"]);
    expect(candidates.map((c) => c.label)).toEqual(["MC CREDIT", "MC CREDIT"]);
    expect(candidates[0]!.preferredName).toBe("MASTERCARD");
    expect(candidates.every((c) => hex(c.aidConfig.aid) === "A0000000041010")).toBe(true);
  });

  it("sorts by priority, entries without priority last, unsupported AIDs dropped", async () => {
    const { candidates } = await replay("emv-utils-sorted-app-priority");
    expect(candidates.map((c) => c.label)).toEqual([
      "APP 1",
      "APP 2",
      "APP 3",
      "APP 4",
      "APP 5",
      "APP 6",
      "APP 7",
    ]);
    expect(candidates.at(-1)!.priority).toBeUndefined();
  });
});

describe("choosing among candidates", () => {
  it("selects one application silently, asks when there are several", async () => {
    const { candidates } = await replay("emv-utils-pse-multi-app-supported");
    let asked = 0;
    const choose = async (list: readonly (typeof candidates)[number][]) => {
      asked += 1;
      return list[1];
    };
    expect(await chooseCandidate([candidates[0]!], true, choose)).toBe(candidates[0]);
    expect(asked).toBe(0);
    expect(await chooseCandidate(candidates, true, choose)).toBe(candidates[1]);
    expect(asked).toBe(1);
  });

  it("asks for confirmation of a single app with 87 b8, and drops it when the terminal cannot confirm", async () => {
    const { candidates } = await replay("emv-utils-pse-multi-app-supported");
    const confirm = { ...candidates[0]!, confirmationRequired: true };
    let asked = 0;
    const choose = async (list: readonly (typeof candidates)[number][]) => {
      asked += 1;
      return list[0];
    };
    expect(await chooseCandidate([confirm], true, choose)).toBe(confirm);
    expect(asked).toBe(1);
    await expect(chooseCandidate([confirm], false, choose)).rejects.toThrow(/no-supported-application/);
    await expect(chooseCandidate(candidates, true, async () => undefined)).rejects.toThrow(
      /cardholder-cancelled/,
    );
  });
});
