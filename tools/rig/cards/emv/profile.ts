import { readFileSync } from "node:fs";
import { z } from "zod";
import { RigDataError, settingPath } from "../../rig-error.js";
import { sourceFile } from "./fixture-path.js";

/**
 * A virtual EMV card's personalisation profile (what an issuer's personalisation bureau loads into a
 * chip): identity, one application with its records, DOLs and risk parameters, the issuer keys it is
 * bound to (by id in test-pki.json), and optional faults. JSON files live in ./profiles/.
 *
 * Record values are hex, or a reference the personaliser fills in: "=pan", "=expiry", "=effective",
 * "=psn", "=track2", "=serviceCode", "=cdol1", "=cdol2", "=ddol", "=currency", "=country",
 * "=capkIndex", "=issuerCertificate", "=issuerRemainder", "=issuerExponent", "=iccCertificate",
 * "=iccRemainder", "=iccExponent", "=signedStaticData", "=cardholderName".
 */

export const RECORD_REFERENCES = [
  "=pan",
  "=expiry",
  "=effective",
  "=psn",
  "=track2",
  "=serviceCode",
  "=cdol1",
  "=cdol2",
  "=ddol",
  "=currency",
  "=country",
  "=capkIndex",
  "=issuerCertificate",
  "=issuerRemainder",
  "=issuerExponent",
  "=iccCertificate",
  "=iccRemainder",
  "=iccExponent",
  "=signedStaticData",
  "=cardholderName",
] as const;
export type RecordReference = (typeof RECORD_REFERENCES)[number];

const upper = (s: string) => s.toUpperCase();
const hexBytes = z
  .string()
  .regex(/^([0-9A-Fa-f]{2})*$/, "must be hex bytes")
  .transform(upper);
const hexOf = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9A-Fa-f]{${bytes * 2}}$`), `must be ${bytes} hex bytes`)
    .transform(upper);
const digits = (min: number, max: number) =>
  z.string().regex(new RegExp(`^\\d{${min},${max}}$`), `must be ${min}..${max} digits`);
const yymmdd = z.string().regex(/^\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/, "must be YYMMDD");
const tag = z.string().regex(/^([0-9A-Fa-f]{2}){1,3}$/, "must be a hex tag");
const recordValue = z.union([hexBytes, z.enum(RECORD_REFERENCES)]);

export const recordSchema = z.strictObject({
  sfi: z.number().int().min(1).max(30),
  record: z.number().int().min(1).max(254),
  /** Part of the static data to be authenticated (counted in the AFL's ODA field). */
  oda: z.boolean().default(false),
  /** Data objects of the 70 template, tag → hex value or reference. */
  data: z.record(tag, recordValue),
});

export const applicationSchema = z.strictObject({
  aid: z
    .string()
    .regex(/^([0-9A-Fa-f]{2}){5,16}$/, "must be 5..16 hex bytes")
    .transform(upper),
  label: z.string().min(1).max(16),
  /** Application priority indicator 87 (1 = highest). */
  priority: z.number().int().min(1).max(15),
  /** 87 b8: cardholder confirmation required. */
  confirmationRequired: z.boolean().default(false),
  preferredName: z.string().max(16).optional(),
  language: z
    .string()
    .regex(/^([a-z]{2}){1,4}$/)
    .default("en"),
  issuerCodeTableIndex: z.number().int().min(1).max(10).optional(),
  pdol: hexBytes.optional(),
  aip: hexOf(2),
  /** Which offline data authentication data the personaliser creates. */
  oda: z.enum(["none", "sda", "dda", "cda"]),
  cdol1: hexBytes,
  cdol2: hexBytes,
  ddol: hexBytes.default("9F3704"),
  /** Derivation key index and cryptogram version number in the IAD (9F10). */
  dki: hexOf(1).default("01"),
  cvn: hexOf(1).default("01"),
  /** Application currency 9F42 / 5F28 country, n4. */
  currency: digits(4, 4).default("0156"),
  country: digits(4, 4).default("0156"),
  /** The card may approve offline (answer TC to a TC request). */
  offlineCapable: z.boolean().default(false),
  /** "required": an approved online answer without a good ARPC ends in AAC. */
  issuerAuthentication: z.enum(["required", "optional"]).default("optional"),
  /** Card issuer action codes over CVR bytes 2–4 (3 bytes each). */
  ciac: z
    .strictObject({
      denial: hexOf(3).default("000000"),
      online: hexOf(3).default("000000"),
      default: hexOf(3).default("000000"),
    })
    .prefault({}),
  records: z.array(recordSchema).min(1),
});

export const contactlessAppSchema = z.strictObject({
  /** Kernel identifier in the PPSE entry (9F2A): 02 Mastercard, 03 Visa, 07 UnionPay. */
  kernelId: hexOf(1),
  /** "quick": qPBOC / qVSDC, the GPO returns the cryptogram; "emv": GPO then GENERATE AC (with CDA). */
  mode: z.enum(["quick", "emv"]),
  /** Card transaction qualifiers 9F6C (quick mode). */
  ctq: hexOf(2).default("0000"),
  /** Amounts above this (minor units) go online; the card approves offline only up to it. */
  offlineLimit: z.number().int().min(0).default(0),
  /** fDDA signed data format: 05 (qPBOC) or 95 (Visa). */
  fddaFormat: z.enum(["05", "95"]).default("05"),
});

export const faultsSchema = z.strictObject({
  /** The issuer certificate (90) is corrupted after signing: ODA fails at the first recovery. */
  badIssuerCertificate: z.boolean().default(false),
  /** The application expired (5F24 and the ICC certificate set to 12/2020). */
  expired: z.boolean().default(false),
  /** The application is blocked: SELECT answers 6283, GPO 6985. */
  blocked: z.boolean().default(false),
  /** The card leaves after answering this many commands: the next transmit throws CardRemovedError. */
  removeAfterCommands: z.number().int().min(0).optional(),
  /** ATR, then silence: every transmit throws CardMuteError. */
  muteAfterAtr: z.boolean().default(false),
});

export const emvCardProfileSchema = z.strictObject({
  $comment: z.string().optional(),
  name: z.string().min(1),
  scheme: z.enum(["unionpay", "visa", "mastercard"]),
  atr: hexBytes.optional(),
  contactless: z
    .strictObject({ uid: hexBytes, atqa: hexOf(2), sak: z.number().int().min(0).max(255), ats: hexBytes })
    .optional(),
  pan: digits(12, 19),
  psn: digits(2, 2).default("00"),
  expiry: yymmdd,
  effective: yymmdd,
  serviceCode: digits(3, 3).default("220"),
  cardholderName: z.string().max(26).default("TEST/CARD"),
  /** Offline PIN (plaintext / enciphered VERIFY). TEST DATA. */
  pin: digits(4, 12).optional(),
  pinTryLimit: z.number().int().min(1).max(15).default(3),
  issuer: z.strictObject({
    /** Issuer master key for application cryptograms, shared with the host simulator (TEST KEY). */
    imkAc: hexOf(16),
    /** ARPC method 1 key: the AC session key (PBOC/CSK) or the ICC master key (VSDC/M-Chip). */
    arpcKey: z.enum(["session", "icc-master"]).default("session"),
    /** Issuer entry in test-pki.json. */
    pki: z.string().min(1),
    /** ICC key pair in test-pki.json (DDA/CDA/fDDA/enciphered PIN). */
    iccKey: z.string().min(1).optional(),
  }),
  /** Offer the contact PSE (1PAY.SYS.DDF01) directory. */
  pse: z.boolean().default(true),
  application: applicationSchema,
  contactlessApplication: contactlessAppSchema.optional(),
  faults: faultsSchema.prefault({}),
});

export type EmvCardProfileInput = z.input<typeof emvCardProfileSchema>;
export type EmvCardProfile = z.infer<typeof emvCardProfileSchema>;
export type EmvRecord = z.infer<typeof recordSchema>;

/** Validates a profile; the error names the field at fault (`profile.application.aip: …`). */
export function parseEmvCardProfile(input: unknown, name = "profile"): EmvCardProfile {
  const result = emvCardProfileSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new RigDataError(settingPath(name, issue.path), issue.message);
  }
  const profile = result.data;
  const needsIcc = profile.application.oda === "dda" || profile.application.oda === "cda";
  if (needsIcc && !profile.issuer.iccKey) {
    throw new RigDataError(`${name}.issuer.iccKey`, `required for ${profile.application.oda.toUpperCase()}`);
  }
  return profile;
}

/** The built-in test card profiles in ./profiles/. */
export const TEST_PROFILE_NAMES = ["unionpay-debit", "unionpay-credit", "visa", "mastercard"] as const;
export type TestProfileName = (typeof TEST_PROFILE_NAMES)[number];

/** Reads and validates a profile JSON file. */
export function loadEmvCardProfile(file: string): EmvCardProfile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new RigDataError(file, "not readable JSON", { cause: error });
  }
  return parseEmvCardProfile(json, file.split(/[\\/]/).pop() ?? file);
}

/** One of the built-in test profiles, with optional overrides (e.g. faults) merged on top. */
export function testProfile(
  name: TestProfileName,
  overrides: Partial<EmvCardProfileInput> = {},
): EmvCardProfile {
  const file = sourceFile(`./profiles/${name}.json`);
  const json = JSON.parse(readFileSync(file, "utf8")) as EmvCardProfileInput;
  return parseEmvCardProfile({ ...json, ...overrides }, `${name}.json`);
}
