import { describe, expect, it } from "vitest";
import type { ContactOutcome, PinEntry } from "../../../../firmware/emv/contact/index.js";
import { decodeTlv, encodeTlv } from "../../../../protocol/tlv/index.js";
import { cupConfig, fixedRandom, runWith, tvrBits } from "./support/kernel-harness.js";
import { h, ScriptedCard, tlv } from "./support/scripted-card.js";
import { describeTsi } from "./support/tsi.js";

/** No floor-limit noise: a high floor limit and zero TACs, so each test sees only its own bit. */
const quiet = (aid = {}) =>
  cupConfig({
    floorLimit: 1_000_000,
    tacOnline: "0000000000",
    tacDefault: "0000000000",
    tacDenial: "0000000000",
    ...aid,
  });

const cvmRules = (card: ScriptedCard, rules: string) => {
  card.data["8E"] = `0000000000000000${rules}`;
};

function online(outcome: ContactOutcome) {
  if (outcome.kind !== "online-request") throw new Error(`expected online-request, got ${outcome.kind}`);
  return outcome;
}

describe("TVR byte 1: offline data authentication", () => {
  it("ODA not performed when neither the card nor the terminal offers a method", async () => {
    const outcome = await runWith(new ScriptedCard(), { config: quiet() });
    expect(tvrBits(outcome)).toEqual(["offlineDataAuthenticationNotPerformed"]);
    expect(describeTsi(outcome)).not.toContain("offlineDataAuthenticationPerformed");
  });

  it.each([
    ["5C00", ["sdaFailed", "sdaSelected"]],
    ["3C00", ["ddaFailed"]],
    ["1D00", ["cdaFailed"]],
  ] as const)("AIP %s without a CA key ⇒ %j and TSI ODA performed", async (aip, bits) => {
    const card = new ScriptedCard();
    card.aip = h(aip);
    card.data["8F"] = "F1";
    const outcome = await runWith(card, { config: quiet() });
    expect(tvrBits(outcome)).toEqual(bits);
    expect(describeTsi(outcome)).toContain("offlineDataAuthenticationPerformed");
    // CDA whose keys could not be recovered is not requested in GENERATE AC.
    expect(Number.parseInt(card.sent("AE")[0]!.slice(4, 6), 16) & 0x10).toBe(0);
  });

  it("ICC data missing when the card gives no CA key index 8F", async () => {
    const card = new ScriptedCard();
    card.aip = h("5C00");
    const outcome = await runWith(card, { config: quiet() });
    expect(tvrBits(outcome)).toEqual(["sdaFailed", "iccDataMissing", "sdaSelected"]);
  });

  it("ICC data missing when the AIP says CVM but the card has no CVM list", async () => {
    const card = new ScriptedCard();
    delete card.data["8E"];
    const outcome = await runWith(card, { config: quiet() });
    expect(tvrBits(outcome)).toEqual(["offlineDataAuthenticationNotPerformed", "iccDataMissing"]);
  });

  it("card on the exception file", async () => {
    const outcome = await runWith(new ScriptedCard(), {
      config: quiet(),
      deps: { exceptionFile: (pan) => pan.toString("hex").startsWith("622848") },
    });
    expect(tvrBits(outcome)).toContain("cardOnExceptionFile");
  });
});

describe("TVR byte 2: processing restrictions", () => {
  it.each([
    ["9F08", "0020", "iccAndTerminalDifferentApplicationVersions"],
    ["5F24", "250505", "expiredApplication"],
    ["5F25", "250507", "applicationNotYetEffective"],
    ["9F07", "0300", "requestedServiceNotAllowed"],
  ])("%s = %s ⇒ %s", async (tag, value, bit) => {
    const card = new ScriptedCard();
    card.data[tag] = value;
    const outcome = await runWith(card, { config: quiet() });
    expect(tvrBits(outcome)).toEqual(["offlineDataAuthenticationNotPerformed", bit]);
  });

  it("the expiry day itself is still valid; international use checks the international bits", async () => {
    const card = new ScriptedCard();
    card.data["5F24"] = "250506";
    card.data["5F28"] = "0840";
    card.data["9F07"] = "3F00"; // domestic-only goods would fail here: 3F has international goods (b5)
    const outcome = await runWith(card, { config: quiet() });
    expect(tvrBits(outcome)).toEqual(["offlineDataAuthenticationNotPerformed"]);
  });

  it("new card when the last online ATC register is zero", async () => {
    const card = new ScriptedCard();
    card.data["9F14"] = "05";
    card.data["9F23"] = "0A";
    card.getData = { "9F36": "0001", "9F13": "0000" };
    const outcome = await runWith(card, { config: quiet() });
    expect(tvrBits(outcome)).toContain("newCard");
    expect(tvrBits(outcome)).not.toContain("lowerConsecutiveOfflineLimitExceeded");
  });
});

describe("TVR byte 3: cardholder verification", () => {
  const pinPad = (result: Awaited<ReturnType<PinEntry["onlinePin"]>>): PinEntry => ({
    onlinePin: async () => result,
  });

  it("offline PIN without a PIN source ⇒ PIN pad not present and CV not successful, 9F34 …01", async () => {
    const card = new ScriptedCard();
    cvmRules(card, "0100");
    const outcome = await runWith(card, { config: quiet() });
    expect(tvrBits(outcome)).toEqual([
      "offlineDataAuthenticationNotPerformed",
      "cardholderVerificationNotSuccessful",
      "pinPadNotPresentOrNotWorking",
    ]);
    if (outcome.kind !== "fallback-to-magstripe" && outcome.kind !== "end-application") {
      expect(outcome.cvmResults.toString("hex")).toBe("010001");
    }
  });

  it("unrecognised CVM code", async () => {
    const card = new ScriptedCard();
    cvmRules(card, "0A00");
    const outcome = await runWith(card, { config: quiet() });
    expect(tvrBits(outcome)).toEqual([
      "offlineDataAuthenticationNotPerformed",
      "cardholderVerificationNotSuccessful",
      "unrecognisedCvm",
    ]);
  });

  it("PIN try limit exceeded from the PIN try counter 9F17 = 0", async () => {
    const card = new ScriptedCard();
    cvmRules(card, "0100");
    card.getData = { "9F17": "00" };
    const outcome = await runWith(card, {
      config: quiet(),
      deps: { offlinePin: async () => Buffer.from("1234") },
    });
    expect(tvrBits(outcome)).toContain("pinTryLimitExceeded");
    expect(tvrBits(outcome)).toContain("cardholderVerificationNotSuccessful");
    expect(card.sent("20")).toHaveLength(0);
  });

  it("PIN try limit exceeded when VERIFY answers 63C0", async () => {
    const card = new ScriptedCard();
    cvmRules(card, "0100");
    card.getData = { "9F17": "01" };
    card.verify = [0x63c0];
    const outcome = await runWith(card, {
      config: quiet(),
      deps: { offlinePin: async () => Buffer.from("1234") },
    });
    expect(tvrBits(outcome)).toContain("pinTryLimitExceeded");
  });

  it("offline plaintext PIN: retries on 63C2, succeeds, zeroes the PIN it was given", async () => {
    const card = new ScriptedCard();
    cvmRules(card, "0100");
    card.getData = { "9F17": "03" };
    card.verify = [0x63c2, 0x9000];
    const given: Buffer[] = [];
    const tries: (number | undefined)[] = [];
    const outcome = await runWith(card, {
      config: quiet(),
      deps: {
        offlinePin: async ({ triesLeft }) => {
          tries.push(triesLeft);
          const pin = Buffer.from("1234");
          given.push(pin);
          return pin;
        },
      },
    });
    expect(tvrBits(outcome)).toEqual(["offlineDataAuthenticationNotPerformed"]);
    expect(card.sent("20")).toEqual(["0020008008241234FFFFFFFFFF", "0020008008241234FFFFFFFFFF"]);
    expect(tries).toEqual([3, 2]);
    expect(given.every((b) => b.every((x) => x === 0))).toBe(true);
    if (outcome.kind === "approved-offline") {
      expect(outcome.cvm).toBe("offline-pin");
      expect(outcome.cvmResults.toString("hex")).toBe("010002");
    } else throw new Error(outcome.kind);
  });

  it("PIN pad present but PIN not entered (bypass), then signature", async () => {
    const card = new ScriptedCard();
    cvmRules(card, "42031E031F03");
    const outcome = await runWith(card, {
      config: quiet(),
      deps: { pinEntry: pinPad({ kind: "bypassed" }) },
    });
    expect(tvrBits(outcome)).toEqual([
      "offlineDataAuthenticationNotPerformed",
      "pinPadPresentButPinNotEntered",
    ]);
    if (outcome.kind !== "approved-offline") throw new Error(outcome.kind);
    expect(outcome.cvm).toBe("signature");
    expect(outcome.signatureRequired).toBe(true);
    expect(outcome.cvmResults.toString("hex")).toBe("1e0300");
  });

  it("PIN pad unavailable ⇒ PIN pad not present", async () => {
    const card = new ScriptedCard();
    cvmRules(card, "42031E031F03");
    const outcome = await runWith(card, {
      config: quiet(),
      deps: { pinEntry: pinPad({ kind: "pin-pad-unavailable" }) },
    });
    expect(tvrBits(outcome)).toContain("pinPadNotPresentOrNotWorking");
  });

  it("online PIN entered", async () => {
    const card = new ScriptedCard();
    cvmRules(card, "42031E031F03");
    const outcome = await runWith(card, {
      config: quiet(),
      deps: { pinEntry: pinPad({ kind: "entered", pinBlock: h("1122334455667788") }) },
    });
    expect(tvrBits(outcome)).toEqual(["offlineDataAuthenticationNotPerformed", "onlinePinEntered"]);
    expect(describeTsi(outcome)).toContain("cardholderVerificationPerformed");
  });

  it("amount conditions: 'over X' picks online PIN, under it no CVM", async () => {
    const rules = "00001388000000004207" + "1F00"; // X = 5000 fen
    const pinEntry = pinPad({ kind: "entered", pinBlock: h("1122334455667788") });
    const big = new ScriptedCard();
    big.data["8E"] = rules;
    const over = await runWith(big, { config: quiet(), deps: { pinEntry }, input: { amount: 6000 } });
    const small = new ScriptedCard();
    small.data["8E"] = rules;
    const under = await runWith(small, { config: quiet(), deps: { pinEntry }, input: { amount: 4000 } });
    if (over.kind !== "approved-offline" || under.kind !== "approved-offline") throw new Error("unexpected");
    expect(over.cvm).toBe("online-pin");
    expect(under.cvm).toBe("no-cvm");
    expect(under.cvmResults.toString("hex")).toBe("1f0002");
  });
});

describe("TVR byte 4: terminal risk management", () => {
  it("floor limit exceeded", async () => {
    const outcome = await runWith(new ScriptedCard(), { config: quiet({ floorLimit: 5000 }) });
    expect(tvrBits(outcome)).toContain("transactionExceedsFloorLimit");
    expect(describeTsi(outcome)).toContain("terminalRiskManagementPerformed");
  });

  it("random selection: a draw under the target percentage selects the transaction", async () => {
    const config = quiet({
      floorLimit: 50_000,
      randomSelection: { threshold: 20_000, targetPercent: 20, maxTargetPercent: 50 },
    });
    const picked = await runWith(new ScriptedCard(), { config, deps: { random: fixedRandom(20) } });
    expect(tvrBits(picked)).toContain("transactionSelectedRandomlyForOnline");
    const spared = await runWith(new ScriptedCard(), { config, deps: { random: fixedRandom(21) } });
    expect(tvrBits(spared)).not.toContain("transactionSelectedRandomlyForOnline");
    // 35000 is half way from threshold to floor: TTP = 20 + 30 × 0.5 = 35.
    const biased = await runWith(new ScriptedCard(), {
      config,
      input: { amount: 35_000 },
      deps: { random: fixedRandom(35) },
    });
    expect(tvrBits(biased)).toContain("transactionSelectedRandomlyForOnline");
  });

  it.each([
    ["0008", "0005", ["lowerConsecutiveOfflineLimitExceeded"]],
    ["0010", "0005", ["lowerConsecutiveOfflineLimitExceeded", "upperConsecutiveOfflineLimitExceeded"]],
    ["0006", "0005", []],
  ])("velocity: ATC %s, last online %s ⇒ %j", async (atc, last, bits) => {
    const card = new ScriptedCard();
    card.data["9F14"] = "02";
    card.data["9F23"] = "05";
    card.getData = { "9F36": atc, "9F13": last };
    const outcome = await runWith(card, { config: quiet() });
    expect(tvrBits(outcome).filter((b) => b.includes("Consecutive"))).toEqual(bits);
  });

  it("velocity: GET DATA failing sets both limits", async () => {
    const card = new ScriptedCard();
    card.data["9F14"] = "02";
    card.data["9F23"] = "05";
    const outcome = await runWith(card, { config: quiet() });
    expect(tvrBits(outcome)).toContain("upperConsecutiveOfflineLimitExceeded");
    expect(tvrBits(outcome)).toContain("lowerConsecutiveOfflineLimitExceeded");
  });

  it("merchant forced online", async () => {
    const outcome = await runWith(new ScriptedCard(), { config: quiet(), input: { forcedOnline: true } });
    expect(tvrBits(outcome)).toContain("merchantForcedTransactionOnline");
  });
});

describe("TVR byte 5 and TSI: completion", () => {
  it("default TDOL used when CDOL1 asks for the TC hash value and the card has no TDOL", async () => {
    const card = new ScriptedCard();
    card.data["8C"] = "9F02069F37049814";
    const outcome = await runWith(card, { config: quiet({ defaultTdol: "9F0206" }) });
    expect(tvrBits(outcome)).toContain("defaultTdolUsed");
  });

  it("issuer authentication failed when EXTERNAL AUTHENTICATE is refused", async () => {
    const card = new ScriptedCard();
    card.externalAuthenticate = 0x6300;
    const request = online(await runWith(card));
    const done = await request.complete({
      responseCode: "00",
      field55: encodeTlv([tlv("91", "0102030405060708")]),
    });
    expect(done.issuerAuthentication).toBe("failed");
    expect(Buffer.from(done.tvr).readUInt8(4) & 0x40).toBe(0x40);
    expect(done.tsi[0]! & 0x10).toBe(0x10);
  });

  it.each([
    ["71", 0x20, "before"],
    ["72", 0x10, "after"],
  ] as const)(
    "script %s failing ⇒ TVR byte 5 mask %s (%s the final GENERATE AC), result 1x in DF31",
    async (template, mask, _when) => {
      const card = new ScriptedCard();
      card.scriptSw = [0x9000, 0x6a82];
      const request = online(await runWith(card));
      const script = encodeTlv([
        tlv(template, [
          tlv("9F18", "12345678"),
          tlv("86", "84DA9F580501020304"),
          tlv("86", "8424000008AABBCCDDEEFF0011"),
        ]),
      ]);
      const done = await request.complete({ responseCode: "00", field55: script });
      expect(done.tvr[4]! & mask).toBe(mask);
      expect(done.scriptResults.toString("hex")).toBe("1212345678");
      expect(done.tsi[0]! & 0x04).toBe(0x04);
      expect(decodeTlv(done.scriptResultField55!).map((n) => n.tag)).toContain("DF31");
    },
  );
});
