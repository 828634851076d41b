import { createHash, generateKeyPairSync } from "node:crypto";
import type { ApduChannel } from "../../../../../firmware/emv/shared/apdu-channel.js";
import { CapkStore } from "../../../../../protocol/emv/index.js";
import { encodeTlv, type TlvNode } from "../../../../../protocol/tlv/index.js";
import {
  capkHash,
  iccCertificate,
  issuerCertificate,
  signedDynamicData,
} from "../../../../../tools/rig/cards/emv/certificates.js";
import { modulusOf, type RsaJwk } from "../../../../../tools/rig/cards/emv/rsa.js";

/**
 * A scriptable contactless card for the kernel tests: answers SELECT PPSE / SELECT AID / GPO / READ
 * RECORD / GENERATE AC from a profile, signs fDDA and CDA with its own ICC key under a test CA made
 * here (node:crypto, e = 3), and can leave the field after N commands.
 */
export const tlv = (tag: string, value: Buffer | string, children?: TlvNode[]): TlvNode =>
  children
    ? { tag, value: Buffer.alloc(0), children }
    : { tag, value: typeof value === "string" ? Buffer.from(value, "hex") : value };
export const enc = (...nodes: TlvNode[]) => encodeTlv(nodes);
const ok = (data: Buffer) => ({ data, sw: 0x9000 });

function rsaKey(bits: number): RsaJwk {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: 3 });
  return privateKey.export({ format: "jwk" }) as unknown as RsaJwk;
}

export interface TestPki {
  ca: RsaJwk;
  issuer: RsaJwk;
  icc: RsaJwk;
  capks: CapkStore;
}

const pkiCache = new Map<string, TestPki>();
/** A CA (index F1) per RID with an issuer and an ICC key; generated once per RID per test file. */
export function testPki(rid: string): TestPki {
  const cached = pkiCache.get(rid);
  if (cached) return cached;
  const ca = rsaKey(1152);
  const issuer = rsaKey(1024);
  const icc = rsaKey(768);
  const modulus = modulusOf(ca);
  const capks = new CapkStore([
    {
      rid,
      index: "F1",
      modulus: modulus.toString("hex"),
      exponent: "03",
      expiry: "20351231",
      hash: capkHash(Buffer.from(rid, "hex"), 0xf1, modulus, Buffer.from([3])).toString("hex"),
    },
  ]);
  const pki = { ca, issuer, icc, capks };
  pkiCache.set(rid, pki);
  return pki;
}

export type Decision = "TC" | "ARQC" | "AAC";

export interface CardProfile {
  aid: string;
  pan: string;
  /** 9F2A in the PPSE entry; undefined = none (RID default). */
  kernelId?: number;
  priority?: number;
  /** Extra directory entries placed before this card's own. */
  extraDirectory?: TlvNode[];
  pdol: string;
  /** Quick kernels: what the card answers offline (ARQC when the TTQ asks for online). */
  decision: Decision;
  ctq?: string;
  aip: string;
  /** Corrupt the fDDA / CDA signature. */
  badSignature?: boolean;
  /** Omit 9F27 (qVSDC cards that carry the type in the IAD). */
  noCid?: boolean;
  expiry?: string;
  /** Answer GPO with this status word instead. */
  gpoSw?: number;
  /** Leave the field after this many commands (the next transmit rejects). */
  removeAfter?: number;
  /** M/Chip-style: answer GENERATE AC (with CDA when asked). */
  mchip?: boolean;
  balance?: string;
}

/** Offsets of the standard qPBOC PDOL data (9F66 9F02 9F03 9F1A 95 5F2A 9A 9C 9F37). */
const QPBOC_PDOL = "9F66049F02069F03069F1A0295055F2A029A039C019F3704";
export const QPBOC_PDOL_HEX = QPBOC_PDOL;
export const MCHIP_PDOL_HEX = "9F02069F1A025F2A029F3704";
export const MCHIP_CDOL1 = "9F02069F03069F1A0295055F2A029A039C019F37049F3501";

export class TestCard implements ApduChannel {
  readonly log: string[] = [];
  private commands = 0;
  private pdolData: Buffer = Buffer.alloc(0);
  private readonly records: Buffer[];
  readonly pki: TestPki;
  private readonly atc = Buffer.from("0023", "hex");

  constructor(readonly profile: CardProfile) {
    this.pki = testPki(profile.aid.slice(0, 10));
    const pan = profile.pan.length % 2 ? `${profile.pan}F` : profile.pan;
    const expiry = profile.expiry ?? "301231";
    const record1 = enc(
      tlv("70", "", [
        tlv("57", track2(profile.pan, expiry)),
        tlv("5A", pan),
        tlv("5F24", expiry),
        tlv("5F34", "01"),
        ...(profile.mchip ? [tlv("8C", MCHIP_CDOL1), tlv("8E", "000000000000000042031E031F00")] : []),
      ]),
    );
    const staticData = record1.subarray(2);
    const issuer = issuerCertificate(this.pki.ca, {
      issuerId: profile.pan.slice(0, 6),
      expiry: "1235",
      serial: "000001",
      issuerKey: this.pki.issuer,
    });
    const icc = iccCertificate(this.pki.issuer, {
      pan: profile.pan,
      expiry: "1235",
      serial: "000002",
      iccKey: this.pki.icc,
      staticData,
    });
    const record2 = enc(
      tlv("70", "", [
        tlv("8F", "F1"),
        tlv("90", issuer.certificate),
        ...(issuer.remainder.length ? [tlv("92", issuer.remainder)] : []),
        tlv("9F32", issuer.exponent),
        tlv("9F46", icc.certificate),
        ...(icc.remainder.length ? [tlv("9F48", icc.remainder)] : []),
        tlv("9F47", icc.exponent),
      ]),
    );
    this.records = [record1, record2];
  }

  async transmit(apdu: Buffer): Promise<{ data: Buffer; sw: number }> {
    if (this.profile.removeAfter !== undefined && this.commands >= this.profile.removeAfter) {
      throw new Error("card removed");
    }
    this.commands += 1;
    const hex = apdu.toString("hex").toUpperCase();
    this.log.push(hex);
    const p = this.profile;
    if (hex === "00A404000E325041592E5359532E444446303100") {
      const entry = tlv("61", "", [
        tlv("4F", p.aid),
        tlv("50", Buffer.from("TEST CARD")),
        ...(p.priority === undefined ? [] : [tlv("87", Buffer.from([p.priority]))]),
        ...(p.kernelId === undefined ? [] : [tlv("9F2A", Buffer.from([p.kernelId]))]),
      ]);
      return ok(
        enc(
          tlv("6F", "", [
            tlv("84", Buffer.from("2PAY.SYS.DDF01")),
            tlv("A5", "", [tlv("BF0C", "", [...(p.extraDirectory ?? []), entry])]),
          ]),
        ),
      );
    }
    if (hex.startsWith("00A40400")) {
      const name = apdu
        .subarray(5, 5 + apdu[4]!)
        .toString("hex")
        .toUpperCase();
      if (name !== p.aid) return { data: Buffer.alloc(0), sw: 0x6a82 };
      return ok(
        enc(
          tlv("6F", "", [
            tlv("84", p.aid),
            tlv("A5", "", [tlv("50", Buffer.from("TEST")), tlv("9F38", p.pdol)]),
          ]),
        ),
      );
    }
    if (hex.startsWith("80A80000")) {
      if (p.gpoSw !== undefined) return { data: Buffer.alloc(0), sw: p.gpoSw };
      this.pdolData = apdu.subarray(7, 7 + apdu[6]!);
      return ok(p.mchip ? this.mchipGpo() : this.quickGpo());
    }
    if (hex.startsWith("00B2")) {
      const record = this.records[apdu[2]! - 1];
      return record ? ok(record) : { data: Buffer.alloc(0), sw: 0x6a83 };
    }
    if (hex.startsWith("80AE")) return ok(this.generateAc(apdu));
    return { data: Buffer.alloc(0), sw: 0x6d00 };
  }

  private quickGpo(): Buffer {
    const p = this.profile;
    const d = this.pdolData;
    const ttq = d.subarray(0, 4);
    const amount = d.subarray(4, 10);
    const currency = d.subarray(23, 25);
    const un = d.subarray(29, 33);
    const decision: Decision = p.decision === "AAC" ? "AAC" : ttq[1]! & 0x80 ? "ARQC" : p.decision;
    const cid = decision === "TC" ? "40" : decision === "ARQC" ? "80" : "00";
    const cvrType = decision === "TC" ? "90" : decision === "ARQC" ? "A0" : "80";
    const ctq = p.ctq ?? "0000";
    const cardAuth = Buffer.from(`01A1B2C3D4${ctq}`, "hex");
    const children: TlvNode[] = [
      tlv("82", p.aip),
      tlv("94", "08010201"),
      tlv("9F36", this.atc),
      tlv("9F26", "1122334455667788"),
      ...(p.noCid ? [] : [tlv("9F27", cid)]),
      tlv("9F10", `07010103${cvrType}0000010A01000000000000`),
      tlv("9F6C", ctq),
      ...(p.balance ? [tlv("9F5D", p.balance)] : []),
    ];
    if (decision !== "AAC" && (Buffer.from(p.aip, "hex")[0]! & 0x20) !== 0) {
      const dynamic = Buffer.concat([Buffer.from([0x02]), this.atc]);
      let signature = signedDynamicData(
        this.pki.icc,
        p.aid.startsWith("A000000003") ? 0x95 : 0x05,
        dynamic,
        Buffer.concat([un, amount, currency, cardAuth]),
      );
      if (p.badSignature) signature = Buffer.from(signature.map((b, i) => (i === 10 ? b ^ 1 : b)));
      children.push(tlv("9F4B", signature), tlv("9F69", cardAuth));
    }
    return enc(tlv("77", "", children));
  }

  private mchipGpo(): Buffer {
    return enc(tlv("77", "", [tlv("82", this.profile.aip), tlv("94", "08010201")]));
  }

  private generateAc(apdu: Buffer): Buffer {
    const p = this.profile;
    const p1 = apdu[2]!;
    const cdol1Data = apdu.subarray(5, 5 + apdu[4]!);
    const asked = p1 & 0xc0;
    // The card never upgrades: TC asked and the card wants online ⇒ ARQC; its own AAC wins.
    const type = p.decision === "AAC" ? 0x00 : asked === 0x40 && p.decision === "ARQC" ? 0x80 : asked;
    const cid = Buffer.from([type]);
    const ac = Buffer.from("A1A2A3A4A5A6A7A8", "hex");
    const iad = Buffer.from("0110A00000000000000000000000000000FF", "hex");
    const objects: TlvNode[] = [tlv("9F27", cid), tlv("9F36", this.atc), tlv("9F10", iad)];
    if (p1 & 0x10 && type !== 0x00) {
      const un = cdol1Data.subarray(25, 29);
      const partial = enc(tlv("77", "", objects));
      const tdhc = sha1(Buffer.concat([this.pdolData, cdol1Data, partial.subarray(2)]));
      const dynamic = Buffer.concat([Buffer.from([0x02]), this.atc, cid, ac, tdhc]);
      let signature = signedDynamicData(this.pki.icc, 0x05, dynamic, un);
      if (p.badSignature) signature = Buffer.from(signature.map((b, i) => (i === 10 ? b ^ 1 : b)));
      objects.push(tlv("9F4B", signature));
    } else {
      objects.push(tlv("9F26", ac));
    }
    return enc(tlv("77", "", objects));
  }
}

function track2(pan: string, expiry: string): string {
  const digits = `${pan}D${expiry.slice(0, 4)}2201000000`;
  return digits.length % 2 ? `${digits}F` : digits;
}

function sha1(data: Buffer): Buffer {
  return createHash("sha1").update(data).digest();
}
