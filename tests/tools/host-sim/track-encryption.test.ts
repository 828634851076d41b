import { describe, expect, it } from "vitest";
import { tdesEcbDecrypt, tdesEcbEncrypt } from "../../../protocol/crypto/cipher.js";
import { fromHex } from "../../../protocol/hex.js";
import { encryptTrackDigits, trackCipherOffset } from "../../../protocol/track/index.js";
import type { WorkingKeys } from "../../../tools/host-sim/issue-keys.js";
import { clearTracks } from "../../../tools/host-sim/track-decryption.js";
import type { CupClient } from "../../support/cup-client.js";
import { CARDS, request, useHostSim } from "./harness.js";

const harness = useHostSim();
/** 53.1 = 2 (PIN with PAN), 53.2 = 6 (double-length), 53.3 = 1 (tracks TDK-encrypted) / 0 (clear). */
const ENCRYPTED = "2610000000000000";
const CLEAR = "2600000000000000";
/** 31 digits: the TDK block is digits [14, 30), which covers the PAN's last 5 digits. */
const TRACK2 = `${CARDS.debit.pan}D30122011234`;

async function signedIn(layout: "003" | "004" = "004") {
  const env = await harness.start();
  const client = await env.connect();
  expect((await client.signIn(layout)).message.fields[39]).toBe("00");
  return { ...env, client };
}

/** A swipe sale carrying only track 2 (no field 2), PIN under the PIK, 53 as given. */
function swipeSale(client: CupClient, track2: string, securityControl: string) {
  const message = request(client, "sale", CARDS.debit, { amount: 1_234, securityControl });
  delete message.fields[2];
  message.fields[35] = track2;
  return message;
}

/** Flips one ciphertext digit, picking one whose deciphered block is not track data (so: 30, not 14). */
function tamper(client: CupClient, sent: string): string {
  const tdk = client.keys.get("tdk")!;
  const start = trackCipherOffset(sent.length)!;
  for (let i = start; i < start + 16; i++) {
    const flipped = ((Number.parseInt(sent[i]!, 16) ^ 0x1) & 0xf).toString(16).toUpperCase();
    const candidate = sent.slice(0, i) + flipped + sent.slice(i + 1);
    const clear = tdesEcbDecrypt(tdk, Buffer.from(candidate.slice(start, start + 16), "hex"))
      .toString("hex")
      .toUpperCase();
    if (/[ABCEF]/.test(clear)) return candidate;
  }
  throw new Error("no single-digit tamper gives a non-track block (re-pick the test track)");
}

describe("host simulator: TDK-encrypted tracks (53.3 = 1)", () => {
  it("deciphers track 2 before reading the PAN: an encrypted swipe sale is approved", async () => {
    const { client, sim } = await signedIn("004");
    const sent = client.encryptTrack(TRACK2);
    // The PAN is no longer readable from the wire form: only the host's decryption finds the card.
    expect(sent.startsWith(CARDS.debit.pan)).toBe(false);
    expect(sent.slice(0, 14)).toBe(CARDS.debit.pan.slice(0, 14));
    const reply = await client.request(swipeSale(client, sent, ENCRYPTED));
    expect(reply?.message.fields[39]).toBe("00");
    expect(reply?.macValid).toBe(true);
    expect(reply?.message.fields[35]).toBeUndefined();
    // The ledger keeps what a clear swipe would give: the masked PAN of the card.
    const entry = sim.transactions().at(-1)!;
    expect(entry).toMatchObject({
      transaction: "sale",
      amount: 1_234,
      approved: true,
      pan: "622202*********0014",
    });
  });

  it("answers 30 (format error, no MAC) to a tampered encrypted track", async () => {
    const { client, sim } = await signedIn("004");
    const sent = tamper(client, client.encryptTrack(TRACK2));
    const reply = await client.request(swipeSale(client, sent, ENCRYPTED));
    expect(reply?.message.fields[39]).toBe("30");
    expect(reply?.message.fields[64]).toBeUndefined();
    expect(sim.transactions()).toHaveLength(0);
    // The terminal can carry on: the next good swipe is approved.
    const good = await client.request(swipeSale(client, client.encryptTrack(TRACK2), ENCRYPTED));
    expect(good?.message.fields[39]).toBe("00");
  });

  it("checks the MAC first: a tampered track with a bad MAC is A0", async () => {
    const { client } = await signedIn("004");
    const sent = tamper(client, client.encryptTrack(TRACK2));
    const frame = client.frame(swipeSale(client, sent, ENCRYPTED), true);
    frame[frame.length - 1]! ^= 0x01;
    client.sendRaw(frame);
    const reply = client.parse((await client.receive())!);
    expect(reply.message.fields[39]).toBe("A0");
  });

  it("answers 30 when 53.3 = 1 but the terminal signed in without a TDK (003)", async () => {
    const { client } = await signedIn("003");
    const reply = await client.request(swipeSale(client, TRACK2, ENCRYPTED));
    expect(reply?.message.fields[39]).toBe("30");
  });

  it("leaves clear tracks alone when 53.3 = 0, also after a 004 sign-in", async () => {
    const { client } = await signedIn("004");
    const clear = await client.request(swipeSale(client, TRACK2, CLEAR));
    expect(clear?.message.fields[39]).toBe("00");
  });
});

describe("clearTracks (unit)", () => {
  const tdk = fromHex("0123456789ABCDEFFEDCBA9876543210", "tdk");
  const keys: WorkingKeys = { layout: "004", pik: Buffer.alloc(16), mak: Buffer.alloc(16), tdk };
  const enc = (block: Buffer) => tdesEcbEncrypt(tdk, block);

  it("deciphers fields 35 and 36 into a copy, leaving the received fields as they were", () => {
    const track3 =
      "996222021000000000014D156000000000000000000000000000000000D000000000000D000000000000000000";
    const received = {
      35: encryptTrackDigits(TRACK2, enc),
      36: encryptTrackDigits(track3, enc),
      53: ENCRYPTED,
    };
    const result = clearTracks(received, keys);
    expect(result).toEqual({ ok: true, fields: { 35: TRACK2, 36: track3, 53: ENCRYPTED } });
    expect(received[35]).not.toBe(TRACK2);
  });

  it("passes tracks shorter than 17 digits through: they travel clear even under 53.3 = 1", () => {
    const short = "6222021000D2512"; // 15 characters: no 9th packed byte, so no TDK block
    expect(clearTracks({ 35: short, 53: ENCRYPTED }, keys)).toEqual({
      ok: true,
      fields: { 35: short, 53: ENCRYPTED },
    });
  });

  it("returns the same object when there is nothing to decipher", () => {
    const plain = { 35: TRACK2, 53: CLEAR };
    expect(clearTracks(plain, keys).fields).toBe(plain);
    const noTrack = { 2: CARDS.debit.pan, 53: ENCRYPTED };
    expect(clearTracks(noTrack, undefined)).toEqual({ ok: true, fields: noTrack });
  });

  it("fails without a TDK or on bad digits, and drops 35/36 from what it hands on", () => {
    const noTdk = clearTracks({ 35: TRACK2, 53: ENCRYPTED }, { ...keys, tdk: undefined });
    expect(noTdk).toMatchObject({
      ok: false,
      why: expect.stringMatching(/no TDK/),
      fields: { 53: ENCRYPTED },
    });
    const bad = clearTracks({ 35: "6222021000000000014D3012201123X", 53: ENCRYPTED }, keys);
    expect(bad).toMatchObject({ ok: false, why: expect.stringMatching(/^field 35: track, offset 30/) });
    expect(bad.fields[35]).toBeUndefined();
  });
});
