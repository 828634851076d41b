import { constants, createPrivateKey, generateKeyPairSync, privateDecrypt } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ContactOutcome,
  type OfflinePinEntry,
  type PinEntry,
  runContactTransaction,
} from "../../../../firmware/emv/contact/index.js";
import {
  encipherPinBlock,
  recoverPinEnciphermentKey,
} from "../../../../firmware/emv/contact/offline-pin-encipherment.js";
import { TransactionContext } from "../../../../firmware/emv/contact/transaction-context.js";
import type { ApduChannel } from "../../../../firmware/emv/shared/apdu-channel.js";
import { unionPayTerminalConfig } from "../../../../firmware/emv/shared/terminal-config.js";
import { CapkStore, describeTvr, OdaError } from "../../../../protocol/emv/index.js";
import { toHex } from "../../../../protocol/hex.js";
import {
  cardChannel,
  type EmvCardApplet,
  iccCertificate,
  loadTestPki,
  modulusOf,
  type RsaJwk,
  testCapksPath,
  testCard,
  testProfile,
} from "../../../../tools/rig/cards/emv/index.js";
import { fixedRandom, NOW } from "./support/kernel-harness.js";

const capks = CapkStore.fromJson(readFileSync(testCapksPath(), "utf8"));
const pinPad: PinEntry = {
  onlinePin: async () => ({ kind: "entered", pinBlock: Buffer.alloc(8, 0x5a) }),
};
const GET_CHALLENGE = "0084000008";
const PLAINTEXT_BLOCK = "241234FFFFFFFFFF";

/** The Mastercard test card (CVM list 44 03 | 42 03 | 1E 03 | 1F 03) with another CVM list if given. */
function mastercard(cvmList?: string): EmvCardApplet {
  if (cvmList === undefined) return testCard("mastercard");
  const base = testProfile("mastercard").application;
  const records = base.records.map((r) =>
    r.data["8E"] === undefined ? r : { ...r, data: { ...r.data, "8E": `0000000000000000${cvmList}` } },
  );
  return testCard("mastercard", { application: { ...base, records } });
}

/** The card's channel, recording every command APDU in hex; `refuse` answers those commands 6A88. */
function recorded(card: EmvCardApplet, refuse: string[] = []): { channel: ApduChannel; sent: string[] } {
  const inner = cardChannel(card);
  const sent: string[] = [];
  return {
    sent,
    channel: {
      async transmit(apdu, options) {
        const hex = toHex(apdu);
        sent.push(hex);
        if (refuse.includes(hex)) return { data: Buffer.alloc(0), sw: 0x6a88 };
        return inner.transmit(apdu, options);
      },
    },
  };
}

/** A cardholder typing `pins` in turn; keeps what it handed over and the tries it was shown. */
function cardholder(...pins: (string | "bypass")[]) {
  const given: Buffer[] = [];
  const tries: (number | undefined)[] = [];
  const entry: OfflinePinEntry = async ({ triesLeft }) => {
    tries.push(triesLeft);
    const next = pins[tries.length - 1];
    if (next === undefined) throw new Error("asked for more PINs than scripted");
    if (next === "bypass") return "bypass";
    const pin = Buffer.from(next, "ascii");
    given.push(pin);
    return pin;
  };
  return { entry, given, tries };
}

async function run(
  channel: ApduChannel,
  offlinePin: OfflinePinEntry | undefined,
  options: { store?: CapkStore; config?: ReturnType<typeof unionPayTerminalConfig> } = {},
): Promise<ContactOutcome> {
  return runContactTransaction(
    {
      channel,
      config: options.config ?? unionPayTerminalConfig(),
      capks: options.store ?? capks,
      now: NOW,
      random: fixedRandom(),
      pinEntry: pinPad,
      ...(offlinePin ? { offlinePin } : {}),
    },
    { amount: 12_345 },
  );
}

function summary(outcome: ContactOutcome) {
  if (outcome.kind === "fallback-to-magstripe" || outcome.kind === "end-application") {
    throw new Error(`expected a cryptogram, got ${outcome.kind}`);
  }
  return outcome;
}

const verifies = (sent: string[]) => sent.filter((c) => c.startsWith("002000"));
const cvmBits = (outcome: ContactOutcome) =>
  describeTvr(summary(outcome).tvr).filter((b) => /cvm|pin|cardholder/i.test(b));

describe("offline enciphered PIN against the rig's Mastercard card", () => {
  it("correct PIN: GET CHALLENGE, VERIFY P2 88 under the ICC key, 9F34 44 03 02, PIN zeroed", async () => {
    const card = mastercard();
    const { channel, sent } = recorded(card);
    const holder = cardholder("1234");
    const outcome = summary(await run(channel, holder.entry));
    expect(outcome.cvm).toBe("offline-pin");
    expect(outcome.signatureRequired).toBe(false);
    expect(outcome.cvmResults.toString("hex")).toBe("440302");
    expect(outcome.data.get("9F34")?.toString("hex")).toBe("440302");
    expect(cvmBits(outcome)).toEqual([]);
    expect(holder.tries).toEqual([3]);
    expect(holder.given.every((pin) => pin.every((b) => b === 0))).toBe(true);

    const at = sent.indexOf(GET_CHALLENGE);
    expect(sent[at - 1]).toBe("80CA9F1700");
    const verify = sent[at + 1]!;
    const iccModulus = modulusOf(loadTestPki().iccKeys.find((k) => k.id === "mastercard")!.key);
    expect(verify.slice(0, 8)).toBe("00200088");
    expect(Number.parseInt(verify.slice(8, 10), 16)).toBe(iccModulus.length);
    expect(verify.length).toBe(10 + 2 * iccModulus.length);
    // The PIN block never crosses the interface in clear.
    expect(sent.some((c) => c.includes(PLAINTEXT_BLOCK))).toBe(false);
    expect(card.pinTryCounter).toBe(3);
  });

  it("wrong PIN: 63C2 decrements the counter, a fresh challenge per VERIFY, then the right PIN passes", async () => {
    const card = mastercard();
    const { channel, sent } = recorded(card);
    const holder = cardholder("9999", "1234");
    const outcome = summary(await run(channel, holder.entry));
    expect(holder.tries).toEqual([3, 2]);
    expect(sent.filter((c) => c === GET_CHALLENGE)).toHaveLength(2);
    expect(verifies(sent).every((c) => c.startsWith("00200088"))).toBe(true);
    expect(verifies(sent)).toHaveLength(2);
    expect(outcome.cvm).toBe("offline-pin");
    expect(outcome.cvmResults.toString("hex")).toBe("440302");
    expect(cvmBits(outcome)).toEqual([]);
    expect(card.pinTryCounter).toBe(3);
    expect(holder.given.every((pin) => pin.every((b) => b === 0))).toBe(true);
  });

  it("three wrong PINs block it: TVR PIN try limit exceeded, the next rule (online PIN) applies", async () => {
    const card = mastercard();
    const { channel, sent } = recorded(card);
    const holder = cardholder("0000", "1111", "2222");
    const outcome = summary(await run(channel, holder.entry));
    expect(holder.tries).toEqual([3, 2, 1]);
    expect(verifies(sent)).toHaveLength(3);
    expect(card.pinTryCounter).toBe(0);
    expect(cvmBits(outcome)).toEqual(["pinTryLimitExceeded", "onlinePinEntered"]);
    expect(outcome.cvm).toBe("online-pin");
    expect(outcome.cvmResults.toString("hex")).toBe("420300");

    // Next transaction on the blocked card: 9F17 = 00, no PIN asked, no challenge, no VERIFY.
    const again = recorded(card);
    const next = cardholder();
    const blocked = summary(await run(again.channel, next.entry));
    expect(next.tries).toEqual([]);
    expect(again.sent).not.toContain(GET_CHALLENGE);
    expect(verifies(again.sent)).toEqual([]);
    expect(cvmBits(blocked)).toEqual(["pinTryLimitExceeded", "onlinePinEntered"]);
  });

  it("a blocked card answering VERIFY 6983 (no PIN try counter) ⇒ PIN try limit exceeded", async () => {
    const card = mastercard();
    for (const pin of ["0000", "0000", "0000"]) {
      await run(cardChannel(card), cardholder(pin, pin, pin).entry);
      if (card.pinTryCounter === 0) break;
    }
    expect(card.pinTryCounter).toBe(0);
    const { channel, sent } = recorded(card, ["80CA9F1700"]);
    const holder = cardholder("1234");
    const outcome = summary(await run(channel, holder.entry));
    expect(holder.tries).toEqual([undefined]);
    expect(verifies(sent)).toHaveLength(1);
    expect(cvmBits(outcome)).toContain("pinTryLimitExceeded");
    expect(outcome.cvm).toBe("online-pin");
  });

  it("bypass ⇒ PIN pad present but PIN not entered, next rule", async () => {
    const { channel, sent } = recorded(mastercard());
    const outcome = summary(await run(channel, cardholder("bypass").entry));
    expect(sent).not.toContain(GET_CHALLENGE);
    expect(cvmBits(outcome)).toEqual(["pinPadPresentButPinNotEntered", "onlinePinEntered"]);
  });

  it("no offline PIN source ⇒ PIN pad not present, next rule", async () => {
    const outcome = summary(await run(recorded(mastercard()).channel, undefined));
    expect(cvmBits(outcome)).toEqual(["pinPadNotPresentOrNotWorking", "onlinePinEntered"]);
  });

  it("enciphered PIN + signature (05): successful VERIFY, 9F34 result unknown, signature line", async () => {
    const { channel } = recorded(mastercard("05031F03"));
    const outcome = summary(await run(channel, cardholder("1234").entry));
    expect(outcome.cvm).toBe("offline-pin");
    expect(outcome.signatureRequired).toBe(true);
    expect(outcome.cvmResults.toString("hex")).toBe("050300");
  });

  it("key cannot be recovered (no CA key): the CVM fails before a PIN is asked", async () => {
    const empty = new CapkStore([]);
    // 04 03 without "apply next": cardholder verification not successful, 9F34 04 03 01.
    const strict = recorded(mastercard("0403"));
    const holder = cardholder();
    const failed = summary(await run(strict.channel, holder.entry, { store: empty }));
    expect(holder.tries).toEqual([]);
    expect(strict.sent).not.toContain(GET_CHALLENGE);
    expect(cvmBits(failed)).toEqual(["cardholderVerificationNotSuccessful"]);
    expect(failed.cvm).toBe("no-cvm");
    expect(failed.cvmResults.toString("hex")).toBe("040301");
    // 44 03 ("apply next"): online PIN follows.
    const lenient = summary(await run(recorded(mastercard()).channel, cardholder().entry, { store: empty }));
    expect(lenient.cvm).toBe("online-pin");
    expect(lenient.cvmResults.toString("hex")).toBe("420300");
  });

  it("a terminal without enciphered PIN in 9F33 skips the 'if terminal supports' rule", async () => {
    const { channel, sent } = recorded(mastercard());
    const config = unionPayTerminalConfig({ terminalCapabilities: "E0E8C8" });
    const outcome = summary(await run(channel, cardholder().entry, { config }));
    expect(sent).not.toContain(GET_CHALLENGE);
    expect(outcome.cvm).toBe("online-pin");
    expect(cvmBits(outcome)).toEqual(["onlinePinEntered"]);
  });
});

function rsaKey(bits: number): RsaJwk {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: 3 });
  return privateKey.export({ format: "jwk" }) as RsaJwk;
}

describe("encipherPinBlock", () => {
  const jwk = rsaKey(1024);
  const key = { modulus: modulusOf(jwk), exponent: Buffer.from([3]) };
  const privateKey = createPrivateKey({ key: { ...jwk }, format: "jwk" });

  it("is 7F ‖ PIN block ‖ ICC challenge ‖ random pad under the raw RSA public key", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 255 }),
        (block, challenge, padByte) => {
          const pads: Buffer[] = [];
          const random = {
            bytes: (n: number) => {
              const pad = Buffer.alloc(n, padByte);
              pads.push(pad);
              return pad;
            },
            int: () => 0,
          };
          const out = encipherPinBlock(key, Buffer.from(block), Buffer.from(challenge), random)!;
          expect(out).toHaveLength(128);
          const plain = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, out);
          expect(plain[0]).toBe(0x7f);
          expect(plain.subarray(1, 9).equals(Buffer.from(block))).toBe(true);
          expect(plain.subarray(9, 17).equals(Buffer.from(challenge))).toBe(true);
          expect(plain.subarray(17).equals(Buffer.alloc(111, padByte))).toBe(true);
          // The pad it was given is zeroed with the plaintext.
          expect(pads.every((p) => p.every((b) => b === 0))).toBe(true);
        },
      ),
      { seed: 46, numRuns: 25 },
    );
  });

  it("gives undefined for a bad block, challenge or a key that cannot take the block", () => {
    const random = fixedRandom();
    const eight = Buffer.alloc(8, 1);
    expect(encipherPinBlock(key, Buffer.alloc(7), eight, random)).toBeUndefined();
    expect(encipherPinBlock(key, eight, Buffer.alloc(9), random)).toBeUndefined();
    expect(
      encipherPinBlock({ modulus: Buffer.alloc(16, 0xff), exponent: Buffer.from([3]) }, eight, eight, random),
    ).toBeUndefined();
    // 7F… is larger than a modulus starting 10…
    const small = { modulus: Buffer.alloc(64, 0x10), exponent: Buffer.from([3]) };
    expect(encipherPinBlock(small, eight, eight, random)).toBeUndefined();
  });
});

describe("recoverPinEnciphermentKey", () => {
  const pki = loadTestPki();
  const issuer = pki.issuers.find((i) => i.id === "mastercard")!;
  const pan = "5413330089010431";
  const pinKey = rsaKey(1024);

  function context(data: Record<string, Buffer>): TransactionContext {
    const ctx = new TransactionContext(unionPayTerminalConfig(), { amount: 1 }, NOW(), fixedRandom());
    ctx.fci.set("84", Buffer.from("A0000000041010", "hex"));
    ctx.card.set("5A", Buffer.from(pan, "hex"));
    ctx.card.set("8F", Buffer.from(issuer.capkIndex, "hex"));
    ctx.card.set("90", Buffer.from(issuer.certificate, "hex"));
    if (issuer.remainder) ctx.card.set("92", Buffer.from(issuer.remainder, "hex"));
    ctx.card.set("9F32", Buffer.from(issuer.exponent, "hex"));
    for (const [tag, value] of Object.entries(data)) ctx.card.set(tag, value);
    return ctx;
  }

  const pinCert = iccCertificate(issuer.key, {
    pan,
    expiry: "1230",
    serial: "000042",
    iccKey: pinKey,
    staticData: Buffer.alloc(0),
  });
  const withPinKey = {
    "9F2D": pinCert.certificate,
    "9F2E": pinCert.exponent,
    ...(pinCert.remainder.length > 0 ? { "9F2F": pinCert.remainder } : {}),
  };

  it("recovers the ICC PIN encipherment key 9F2D (hash without static data) in preference to 9F46", () => {
    const key = recoverPinEnciphermentKey(context(withPinKey), capks);
    expect(key.modulus.equals(modulusOf(pinKey))).toBe(true);
    expect(key.exponent.toString("hex")).toBe("03");
  });

  it("fails with an OdaError on an altered 9F2D, a missing remainder or no key at all", () => {
    const altered = Buffer.from(pinCert.certificate);
    altered[10]! ^= 0x01;
    expect(() => recoverPinEnciphermentKey(context({ ...withPinKey, "9F2D": altered }), capks)).toThrow(
      OdaError,
    );
    expect(pinCert.remainder.length).toBeGreaterThan(0);
    const { "9F2F": _, ...noRemainder } = withPinKey;
    expect(() => recoverPinEnciphermentKey(context(noRemainder), capks)).toThrow(OdaError);
    expect(() => recoverPinEnciphermentKey(context({}), capks)).toThrow(OdaError);
    expect(() => recoverPinEnciphermentKey(context(withPinKey), new CapkStore([]))).toThrow(OdaError);
    const revoked = () => true;
    expect(() => recoverPinEnciphermentKey(context(withPinKey), capks, revoked)).toThrow(OdaError);
  });
});
