import { deriveIccMasterKey } from "../../../../protocol/crypto/emv/index.js";
import { type DolEntry, encodeTlv, parseDol, type TlvNode } from "../../../../protocol/tlv/index.js";
import { RigDataError } from "../../rig-error.js";
import { cnDigits, iccCertificate, signedStaticData } from "./certificates.js";
import type { EmvCardProfile, EmvRecord, RecordReference } from "./profile.js";
import type { RsaJwk } from "./rsa.js";
import { findIccKey, findIssuer, type TestPki } from "./test-pki.js";

/**
 * Personalisation: turns a profile into what the chip holds — record templates, the AFL, the static
 * data to be authenticated and the certificates over it, the ICC master key (derived from the IMK-AC
 * here, as the issuer's bureau does; the IMK itself never reaches the card).
 */
export interface PersonalisedCard {
  /** READ RECORD answers (70 templates), by `${sfi}:${record}`. */
  records: Map<string, Buffer>;
  afl: Buffer;
  aip: Buffer;
  pdol: DolEntry[];
  cdol1: DolEntry[];
  cdol2: DolEntry[];
  ddol: DolEntry[];
  /** Static data to be authenticated (Book 3 §10.3), what 93 / 9F46 sign. */
  staticData: Buffer;
  track2: Buffer;
  /** ICC master key for AC (16 bytes); the applet wipes it when discarded. */
  iccMasterKey: Buffer;
  iccKey: RsaJwk | undefined;
  /** Card expiry YYMMDD after faults. */
  expiry: string;
}

/** The expiry a profile's "expired" fault personalises (12/2020). */
export const EXPIRED_DATE = "201231";

export function personalise(profile: EmvCardProfile, pki: TestPki): PersonalisedCard {
  const app = profile.application;
  const expiry = profile.faults.expired ? EXPIRED_DATE : profile.expiry;
  const issuer = findIssuer(pki, profile.issuer.pki);
  const ca = pki.certificationAuthorities.find((c) => c.rid === issuer.rid && c.index === issuer.capkIndex);
  if (!ca) throw new RigDataError("issuer.pki", `no CA ${issuer.rid}/${issuer.capkIndex} in test-pki.json`);
  if (!profile.pan.startsWith(issuer.issuerId)) {
    throw new RigDataError(
      "pan",
      `does not start with the issuer identifier ${issuer.issuerId} of "${issuer.id}"`,
    );
  }
  const iccKey = profile.issuer.iccKey ? findIccKey(pki, profile.issuer.iccKey) : undefined;
  const aip = Buffer.from(app.aip, "hex");
  const track2 = track2Equivalent(profile.pan, expiry, profile.serviceCode);

  let issuerCertificate = Buffer.from(issuer.certificate, "hex");
  if (profile.faults.badIssuerCertificate) {
    issuerCertificate = Buffer.from(issuerCertificate);
    // Flip bits in the middle: recovery yields garbage (no 6A…BC, or a hash mismatch).
    issuerCertificate[issuerCertificate.length >> 1]! ^= 0x5a;
  }
  const fixed: Partial<Record<RecordReference, Buffer>> = {
    "=pan": Buffer.from(profile.pan.length % 2 === 0 ? profile.pan : `${profile.pan}F`, "hex"),
    "=expiry": Buffer.from(expiry, "hex"),
    "=effective": Buffer.from(profile.effective, "hex"),
    "=psn": Buffer.from(profile.psn, "hex"),
    "=track2": track2,
    "=serviceCode": Buffer.from(`0${profile.serviceCode}`, "hex"),
    "=cdol1": Buffer.from(app.cdol1, "hex"),
    "=cdol2": Buffer.from(app.cdol2, "hex"),
    "=ddol": Buffer.from(app.ddol, "hex"),
    "=currency": Buffer.from(app.currency, "hex"),
    "=country": Buffer.from(app.country, "hex"),
    "=capkIndex": Buffer.from(issuer.capkIndex, "hex"),
    "=issuerCertificate": issuerCertificate,
    "=issuerRemainder": Buffer.from(issuer.remainder, "hex"),
    "=issuerExponent": Buffer.from(issuer.exponent, "hex"),
    "=cardholderName": Buffer.from(profile.cardholderName, "ascii"),
  };

  // First pass: everything but what signs the static data; the signed records must not be ODA records.
  const signedRefs = new Set<RecordReference>([
    "=iccCertificate",
    "=iccRemainder",
    "=iccExponent",
    "=signedStaticData",
  ]);
  const sorted = [...app.records].sort((a, b) => a.sfi - b.sfi || a.record - b.record);
  const staticParts: Buffer[] = [];
  let listsAip = false;
  for (const record of sorted) {
    if (!record.oda) continue;
    if (Object.values(record.data).some((v) => signedRefs.has(v as RecordReference))) {
      throw new RigDataError(
        `records ${record.sfi}:${record.record}`,
        "an ODA record cannot hold the signatures over it",
      );
    }
    // Book 3 §10.3: SFI 1–10 contribute the record value, SFI 11–30 the whole 70 template.
    const value = recordValue(record, (ref) => fixed[ref]);
    staticParts.push(record.sfi <= 10 ? value : encodeTlv([{ tag: "70", value }]));
  }
  for (const record of sorted) {
    const sdaTagList = record.data["9F4A"];
    if (sdaTagList !== undefined && sdaTagList.toUpperCase() === "82") listsAip = true;
  }
  if (listsAip) staticParts.push(aip);
  const staticData = Buffer.concat(staticParts);

  const signed: Partial<Record<RecordReference, Buffer>> = {};
  if (app.oda === "sda")
    signed["=signedStaticData"] = signedStaticData(issuer.key, Buffer.from("DAC1", "hex"), staticData);
  if (iccKey && (app.oda === "dda" || app.oda === "cda")) {
    const cert = iccCertificate(issuer.key, {
      pan: profile.pan,
      expiry: expiry.slice(2, 4) + expiry.slice(0, 2),
      serial: "000100",
      iccKey,
      staticData,
    });
    signed["=iccCertificate"] = cert.certificate;
    signed["=iccRemainder"] = cert.remainder;
    signed["=iccExponent"] = cert.exponent;
  }

  const records = new Map<string, Buffer>();
  for (const record of sorted) {
    const key = `${record.sfi}:${record.record}`;
    if (records.has(key)) throw new RigDataError(`records ${key}`, "record personalised twice");
    records.set(
      key,
      recordTemplate(record, (ref) => {
        const value = fixed[ref] ?? signed[ref];
        if (value === undefined) {
          throw new RigDataError(`records ${key}`, `${ref} is not available for ODA method "${app.oda}"`);
        }
        return value;
      }),
    );
  }

  const imk = Buffer.from(profile.issuer.imkAc, "hex");
  const iccMasterKey = deriveIccMasterKey(imk, profile.pan, profile.psn);
  imk.fill(0);
  return {
    records,
    afl: buildAfl(sorted),
    aip,
    pdol: app.pdol ? parseDol(Buffer.from(app.pdol, "hex")) : [],
    cdol1: parseDol(Buffer.from(app.cdol1, "hex")),
    cdol2: parseDol(Buffer.from(app.cdol2, "hex")),
    ddol: parseDol(Buffer.from(app.ddol, "hex")),
    staticData,
    track2,
    iccMasterKey,
    iccKey,
    expiry,
  };
}

/** The data objects of a record, encoded in profile order (the value of its 70 template). */
function recordValue(record: EmvRecord, resolve: (ref: RecordReference) => Buffer | undefined): Buffer {
  const nodes: TlvNode[] = Object.entries(record.data).map(([tag, value]) => {
    const bytes = value.startsWith("=") ? resolve(value as RecordReference) : Buffer.from(value, "hex");
    if (bytes === undefined)
      throw new RigDataError(`records ${record.sfi}:${record.record}`, `${value} unresolved`);
    return { tag: tag.toUpperCase(), value: bytes };
  });
  return encodeTlv(nodes);
}

function recordTemplate(record: EmvRecord, resolve: (ref: RecordReference) => Buffer | undefined): Buffer {
  return encodeTlv([{ tag: "70", value: recordValue(record, resolve) }]);
}

/** AFL entries: contiguous records of one SFI, ODA records first in each entry. */
export function buildAfl(records: readonly EmvRecord[]): Buffer {
  const entries: { sfi: number; first: number; last: number; oda: number }[] = [];
  for (const r of records) {
    const current = entries.at(-1);
    const contiguous = current && current.sfi === r.sfi && current.last + 1 === r.record;
    const odaPrefixIntact = current && (!r.oda || current.oda === current.last - current.first + 1);
    if (current && contiguous && odaPrefixIntact) {
      current.last = r.record;
      if (r.oda) current.oda++;
    } else {
      entries.push({ sfi: r.sfi, first: r.record, last: r.record, oda: r.oda ? 1 : 0 });
    }
  }
  return Buffer.from(entries.flatMap((e) => [e.sfi << 3, e.first, e.last, e.oda]));
}

/** Track 2 equivalent data (57): PAN ‖ D ‖ YYMM ‖ service code ‖ discretionary data, F-padded. */
export function track2Equivalent(pan: string, expiry: string, serviceCode: string): Buffer {
  // ISO/IEC 7813 caps track 2 at 37 characters: the discretionary zeros fill what is left (at most 13).
  const core = `${pan}D${expiry.slice(0, 4)}${serviceCode}`;
  const digits = core + "0".repeat(Math.max(0, Math.min(13, 37 - core.length)));
  return cnDigits(digits, Math.ceil(digits.length / 2));
}
