import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ContactOutcome, runContactTransaction } from "../../../../firmware/emv/contact/index.js";
import { unionPayTerminalConfig } from "../../../../firmware/emv/shared/terminal-config.js";
import {
  deriveAcSessionKey,
  deriveIccMasterKey,
  generateArpcMethod1,
  verifyApplicationCryptogram,
} from "../../../../protocol/crypto/emv/index.js";
import { CapkStore, describeTvr, Tsi } from "../../../../protocol/emv/index.js";
import { encodeTlv } from "../../../../protocol/tlv/index.js";
import {
  cardChannel,
  cryptogramInput,
  type EmvCardProfile,
  TEST_PROFILE_NAMES,
  testCapksPath,
  testCard,
  testProfile,
} from "../../../../tools/rig/cards/emv/index.js";
import { fixedRandom, NOW } from "./support/kernel-harness.js";

const capks = CapkStore.fromJson(readFileSync(testCapksPath(), "utf8"));
const pinEntry = { onlinePin: async () => ({ kind: "entered" as const, pinBlock: Buffer.alloc(8, 0x5a) }) };

function sessionKey(profile: EmvCardProfile, atc: Buffer): { mk: Buffer; sk: Buffer } {
  const mk = deriveIccMasterKey(Buffer.from(profile.issuer.imkAc, "hex"), profile.pan, profile.psn);
  return { mk, sk: deriveAcSessionKey(mk, atc) };
}

function online(outcome: ContactOutcome) {
  if (outcome.kind !== "online-request") throw new Error(`expected online-request, got ${outcome.kind}`);
  return outcome;
}

const EXPECTED_ODA = {
  "unionpay-debit": "dda",
  "unionpay-credit": "sda",
  visa: "dda",
  mastercard: "cda",
} as const;

describe("contact kernel end to end against the rig's virtual cards", () => {
  it.each(TEST_PROFILE_NAMES)(
    "%s: ODA passes, the ARQC verifies with the issuer key, the ARPC is accepted",
    async (name) => {
      const profile = testProfile(name);
      const card = testCard(name);
      const channel = cardChannel(card);
      const outcome = online(
        await runContactTransaction(
          { channel, config: unionPayTerminalConfig(), capks, now: NOW, random: fixedRandom(), pinEntry },
          { amount: 12_345 },
        ),
      );
      // Floor limit 0 makes every sale go online; nothing in byte 1 may fail.
      const bits = describeTvr(outcome.tvr);
      expect(bits.filter((b) => /Failed|NotPerformed|Missing/.test(b))).toEqual([]);
      expect(bits).toContain("transactionExceedsFloorLimit");
      expect(Tsi.fromBuffer(outcome.tsi).has("offlineDataAuthenticationPerformed")).toBe(true);
      expect(bits.includes("sdaSelected")).toBe(EXPECTED_ODA[name] === "sda");
      // Evidence of the method that ran: SDA recovers the DAC 9F45, DDA/CDA the ICC dynamic number 9F4C.
      expect(outcome.data.has(EXPECTED_ODA[name] === "sda" ? "9F45" : "9F4C")).toBe(true);

      const c = outcome.cryptogram!;
      expect(c.type).toBe("arqc");
      const aip = outcome.data.get("82")!;
      const cvr = c.issuerApplicationData!.subarray(3, 7);
      const { mk, sk } = sessionKey(profile, c.atc);
      expect(
        verifyApplicationCryptogram(sk, cryptogramInput(outcome.data, aip, c.atc, cvr), c.cryptogram, 2),
      ).toBe(true);

      const arc = Buffer.from("3030", "hex");
      const arpc = generateArpcMethod1(profile.issuer.arpcKey === "session" ? sk : mk, c.cryptogram, arc);
      const done = await outcome.complete({
        responseCode: "00",
        field55: encodeTlv([{ tag: "91", value: Buffer.concat([arpc, arc]) }]),
      });
      expect(done.kind).toBe("approved");
      expect(done.cryptogram?.type).toBe("tc");
      expect(describeTvr(done.tvr)).not.toContain("issuerAuthenticationFailed");
      expect(done.issuerAuthentication === "failed").toBe(false);
    },
  );

  it("a wrong ARPC makes the card refuse: declined by the card after host approval ⇒ reverse 06", async () => {
    const name = "unionpay-debit";
    const channel = cardChannel(testCard(name));
    const outcome = online(
      await runContactTransaction(
        { channel, config: unionPayTerminalConfig(), capks, now: NOW, random: fixedRandom(), pinEntry },
        { amount: 12_345 },
      ),
    );
    const done = await outcome.complete({
      responseCode: "00",
      field55: encodeTlv([{ tag: "91", value: Buffer.from("00000000000000003030", "hex") }]),
    });
    expect(describeTvr(done.tvr)).toContain("issuerAuthenticationFailed");
    expect(done.kind).toBe("approved-by-host-declined-by-card");
    expect(done.reversalReason).toBe("06");
  });
});
