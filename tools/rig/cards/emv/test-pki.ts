import { readFileSync } from "node:fs";
import { z } from "zod";
import { RigDataError, settingPath } from "../../rig-error.js";
import { sourceFile } from "./fixture-path.js";
import type { RsaJwk } from "./rsa.js";

/**
 * The rig's test certification authority and issuers (TEST ONLY — these private keys are public in the
 * repository and certify nothing real). Generated once by make-test-pki.ts and committed as
 * test-pki.json; the public CA keys the terminal needs are in test-capks.json (CapkStore format).
 */

const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/, "must be base64url");
const hex = z.string().regex(/^([0-9A-F]{2})*$/, "must be uppercase hex bytes");

export const rsaJwkSchema = z.object({
  kty: z.literal("RSA"),
  n: b64url,
  e: b64url,
  d: b64url,
  p: b64url,
  q: b64url,
  dp: b64url,
  dq: b64url,
  qi: b64url,
});

export const capkEntrySchema = z.strictObject({
  rid: z.string().regex(/^[0-9A-F]{10}$/),
  index: z.string().regex(/^[0-9A-F]{2}$/),
  modulus: hex,
  exponent: hex,
  /** YYYYMMDD. */
  expiry: z.string().regex(/^\d{8}$/),
  /** SHA-1(RID ‖ index ‖ modulus ‖ exponent). */
  hash: z.string().regex(/^[0-9A-F]{40}$/),
});
export type CapkEntry = z.infer<typeof capkEntrySchema>;

export const testPkiSchema = z.strictObject({
  warning: z.string(),
  certificationAuthorities: z.array(
    z.strictObject({ rid: z.string(), index: z.string(), expiry: z.string(), key: rsaJwkSchema }),
  ),
  issuers: z.array(
    z.strictObject({
      id: z.string(),
      rid: z.string(),
      capkIndex: z.string(),
      /** Leading PAN digits the certificate is bound to. */
      issuerId: z.string().regex(/^\d{3,8}$/),
      /** Certificate expiry MMYY. */
      expiry: z.string().regex(/^\d{4}$/),
      serial: z.string().regex(/^[0-9A-F]{6}$/),
      key: rsaJwkSchema,
      certificate: hex,
      remainder: hex,
      exponent: hex,
    }),
  ),
  iccKeys: z.array(z.strictObject({ id: z.string(), key: rsaJwkSchema })),
});
export type TestPki = z.infer<typeof testPkiSchema>;
export type TestIssuer = TestPki["issuers"][number];

function parseJson<T>(schema: z.ZodType<T>, file: string, name: string): T {
  const result = schema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new RigDataError(settingPath(name, issue.path), issue.message);
  }
  return result.data;
}

let cachedPki: TestPki | undefined;

/** The committed test PKI (read once per process). */
export function loadTestPki(file = sourceFile("./test-pki.json")): TestPki {
  if (file !== sourceFile("./test-pki.json")) return parseJson(testPkiSchema, file, "test-pki.json");
  cachedPki ??= parseJson(testPkiSchema, file, "test-pki.json");
  return cachedPki;
}

/** The committed test CA public keys, in the terminal's CapkStore JSON format. */
export function loadTestCapks(file = sourceFile("./test-capks.json")): CapkEntry[] {
  return parseJson(z.array(capkEntrySchema), file, "test-capks.json");
}

/** Path of test-capks.json, for a terminal's CapkStore. */
export function testCapksPath(): string {
  return sourceFile("./test-capks.json");
}

export function findIssuer(pki: TestPki, id: string): TestIssuer {
  const issuer = pki.issuers.find((i) => i.id === id);
  if (!issuer) throw new RigDataError("issuer.pki", `no issuer "${id}" in test-pki.json`);
  return issuer;
}

export function findIccKey(pki: TestPki, id: string): RsaJwk {
  const entry = pki.iccKeys.find((i) => i.id === id);
  if (!entry) throw new RigDataError("issuer.iccKey", `no ICC key "${id}" in test-pki.json`);
  return entry.key;
}
