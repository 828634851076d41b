import { describe, expect, it } from "vitest";
import {
  buildStaticData,
  CapkStore,
  OdaError,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
  verifySda,
} from "../../../../../protocol/emv/index.js";
import {
  loadTestCapks,
  loadTestPki,
  modulusOf,
  TEST_PROFILE_NAMES,
  testCard,
  testProfile,
} from "../../../../../tools/rig/cards/emv/index.js";
import { makeTestPki } from "../../../../../tools/rig/cards/emv/make-test-pki.js";
import { recover, type Session, sha1, startTransaction, staticData } from "./terminal.js";

const RIDS = ["A000000333", "A000000003", "A000000004"];
const pki = loadTestPki();
const capks = loadTestCapks();

function capkFor(rid: string) {
  const capk = capks.find((c) => c.rid === rid && c.index === "F1")!;
  return { modulus: Buffer.from(capk.modulus, "hex"), exponent: Buffer.from(capk.exponent, "hex") };
}

/** Issuer certificate checks with plain node:crypto (Book 2 table 6). */
function openIssuerCertificate(rid: string, cert: Buffer, remainder: Buffer, exponent: Buffer) {
  const ca = capkFor(rid);
  const r = recover(ca.modulus, ca.exponent, cert);
  const n = r.length;
  expect(r[0]).toBe(0x6a);
  expect(r[1]).toBe(0x02);
  expect(r[n - 1]).toBe(0xbc);
  expect(r[11]).toBe(0x01); // SHA-1
  expect(r[12]).toBe(0x01); // RSA
  const hash = sha1(r.subarray(1, n - 21), remainder, exponent);
  expect(r.subarray(n - 21, n - 1).equals(hash)).toBe(true);
  const keyLength = r[13]!;
  const leftmost = r.subarray(15, n - 21);
  const modulus =
    keyLength > leftmost.length ? Buffer.concat([leftmost, remainder]) : leftmost.subarray(0, keyLength);
  return {
    recovered: r,
    modulus,
    issuerId: r.subarray(2, 6).toString("hex").toUpperCase(),
    expiry: r.subarray(6, 8),
  };
}

describe("test CAPKs", () => {
  it("one 1152-bit exponent-3 key per RID at index F1, hash = SHA-1(RID ‖ index ‖ modulus ‖ exponent)", () => {
    expect(capks.map((c) => c.rid).sort()).toEqual([...RIDS].sort());
    for (const c of capks) {
      expect(c.index).toBe("F1");
      expect(c.modulus.length).toBe(1152 / 4);
      expect(c.exponent).toBe("03");
      const hash = sha1(
        Buffer.from(c.rid, "hex"),
        Buffer.from("F1", "hex"),
        Buffer.from(c.modulus, "hex"),
        Buffer.from("03", "hex"),
      );
      expect(c.hash).toBe(hash.toString("hex").toUpperCase());
      const ca = pki.certificationAuthorities.find((a) => a.rid === c.rid)!;
      expect(modulusOf(ca.key).toString("hex").toUpperCase()).toBe(c.modulus);
    }
  });

  it("loads into protocol/emv's CapkStore (checksums verified)", () => {
    const store = CapkStore.fromJson(capks);
    for (const rid of RIDS) expect(store.get(rid, "F1")).toBeDefined();
  });

  it("test-pki.json says TEST ONLY", () => {
    expect(pki.warning).toMatch(/^TEST ONLY/);
  });
});

describe("issuer public key certificates (90/92/9F32)", () => {
  for (const issuer of pki.issuers) {
    it(`${issuer.id}: recovers with node:crypto and with recoverIssuerPublicKey`, () => {
      const cert = Buffer.from(issuer.certificate, "hex");
      const remainder = Buffer.from(issuer.remainder, "hex");
      const exponent = Buffer.from(issuer.exponent, "hex");
      const opened = openIssuerCertificate(issuer.rid, cert, remainder, exponent);
      expect(opened.modulus.equals(modulusOf(issuer.key))).toBe(true);
      expect(opened.issuerId).toBe(issuer.issuerId.padEnd(8, "F"));
      expect(remainder.length).toBeGreaterThan(0); // 1024-bit key in a 1152-bit certificate
      const pan = Buffer.from(`${issuer.issuerId}0000000000`, "hex");
      const key = recoverIssuerPublicKey(capkFor(issuer.rid), {
        cert90: cert,
        remainder92: remainder,
        exponent9F32: exponent,
        pan,
        now: new Date("2026-01-01T00:00:00Z"),
      });
      expect(key.modulus.equals(modulusOf(issuer.key))).toBe(true);
    });
  }
});

function issuerKeyOf(session: Session, rid: string) {
  const d = session.cardData;
  return openIssuerCertificate(rid, d.get("90")!, d.get("92") ?? Buffer.alloc(0), d.get("9F32")!);
}

describe("card certificates over the static data", () => {
  for (const name of TEST_PROFILE_NAMES) {
    const profile = testProfile(name);
    const rid = profile.application.aid.slice(0, 10);
    it(`${name}: ${profile.application.oda.toUpperCase()} data checks out`, () => {
      const card = testCard(name);
      const session = startTransaction(card, profile.application.aid);
      const d = session.cardData;
      expect(d.get("8F")!.toString("hex")).toBe("f1");
      const issuer = issuerKeyOf(session, rid);
      const issuerKey = { modulus: issuer.modulus, exponent: d.get("9F32")! };
      const sd = staticData(session);
      const viaA = buildStaticData({
        records: session.records.filter((r) => r.oda).map((r) => ({ sfi: r.sfi, data: r.data })),
        sdaTagList9F4A: d.get("9F4A"),
        aip: session.gpo.tlv.get("82"),
      });
      expect(viaA.equals(sd)).toBe(true);
      const now = new Date("2026-01-01T00:00:00Z");
      if (profile.application.oda === "sda") {
        const r = recover(issuerKey.modulus, issuerKey.exponent, d.get("93")!);
        const n = r.length;
        expect([r[0], r[1], r[2], r[n - 1]]).toEqual([0x6a, 0x03, 0x01, 0xbc]);
        expect(r.subarray(n - 21, n - 1).equals(sha1(r.subarray(1, n - 21), sd))).toBe(true);
        expect(verifySda(issuerKey, { signed93: d.get("93"), staticData: sd }).dac.toString("hex")).toBe(
          "dac1",
        );
      } else {
        const r = recover(issuerKey.modulus, issuerKey.exponent, d.get("9F46")!);
        const n = r.length;
        expect([r[0], r[1], r[n - 1]]).toEqual([0x6a, 0x04, 0xbc]);
        expect(r.subarray(2, 12).toString("hex").toUpperCase()).toBe(profile.pan.padEnd(20, "F"));
        const hashed = sha1(r.subarray(1, n - 21), d.get("9F48") ?? Buffer.alloc(0), d.get("9F47")!, sd);
        expect(r.subarray(n - 21, n - 1).equals(hashed)).toBe(true);
        const icc = recoverIccPublicKey(issuerKey, {
          cert9F46: d.get("9F46"),
          remainder9F48: d.get("9F48"),
          exponent9F47: d.get("9F47"),
          staticData: sd,
          pan: d.get("5A")!,
          now,
        });
        expect(icc.modulus.length).toBe(96);
      }
    });
  }

  it("bad issuer certificate: recovery fails the header/hash checks and recoverIssuerPublicKey throws OdaError", () => {
    const profile = testProfile("unionpay-debit");
    const card = testCard("unionpay-debit", { faults: { badIssuerCertificate: true } });
    const session = startTransaction(card, profile.application.aid);
    const d = session.cardData;
    const r = recover(capkFor("A000000333").modulus, Buffer.from("03", "hex"), d.get("90")!);
    const n = r.length;
    const intact =
      r[0] === 0x6a &&
      r[n - 1] === 0xbc &&
      r.subarray(n - 21, n - 1).equals(sha1(r.subarray(1, n - 21), d.get("92")!, d.get("9F32")!));
    expect(intact).toBe(false);
    expect(() =>
      recoverIssuerPublicKey(capkFor("A000000333"), {
        cert90: d.get("90"),
        remainder92: d.get("92"),
        exponent9F32: d.get("9F32"),
        pan: d.get("5A")!,
        now: new Date("2026-01-01T00:00:00Z"),
      }),
    ).toThrow(OdaError);
  });

  it("expired card: 5F24 and the ICC certificate say 12/2020, the terminal's recovery rejects the date", () => {
    const profile = testProfile("unionpay-debit");
    const card = testCard("unionpay-debit", { faults: { expired: true } });
    const session = startTransaction(card, profile.application.aid);
    const d = session.cardData;
    expect(d.get("5F24")!.toString("hex")).toBe("201231");
    const issuer = issuerKeyOf(session, "A000000333");
    const input = {
      cert9F46: d.get("9F46"),
      remainder9F48: d.get("9F48"),
      exponent9F47: d.get("9F47"),
      staticData: staticData(session),
      pan: d.get("5A")!,
    };
    const issuerKey = { modulus: issuer.modulus, exponent: d.get("9F32")! };
    expect(recoverIccPublicKey(issuerKey, { ...input, now: new Date("2020-12-15T00:00:00Z") }).expiry).toBe(
      "1220",
    );
    expect(() => recoverIccPublicKey(issuerKey, { ...input, now: new Date("2026-01-01T00:00:00Z") })).toThrow(
      OdaError,
    );
  });
});

describe("make-test-pki", () => {
  it("generates a fresh, self-consistent PKI in the committed shape", () => {
    const fresh = makeTestPki();
    expect(fresh.capks).toHaveLength(3);
    expect(fresh.pki.issuers).toHaveLength(4);
    expect(fresh.pki.iccKeys.map((k) => modulusOf(k.key).length)).toEqual([96, 96, 96, 96]);
    CapkStore.fromJson(fresh.capks);
    for (const issuer of fresh.pki.issuers) {
      const capk = fresh.capks.find((c) => c.rid === issuer.rid)!;
      const r = recover(
        Buffer.from(capk.modulus, "hex"),
        Buffer.from("03", "hex"),
        Buffer.from(issuer.certificate, "hex"),
      );
      expect([r[0], r[1], r[r.length - 1]]).toEqual([0x6a, 0x02, 0xbc]);
    }
  });
});
