import { generateKeyPairSync, type JsonWebKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { capkHash, issuerCertificate } from "./certificates.js";
import { sourceDir } from "./fixture-path.js";
import { exponentOf, modulusOf, type RsaJwk } from "./rsa.js";
import type { CapkEntry, TestPki } from "./test-pki.js";

/**
 * Generates the rig's test PKI once: a CA key per RID (index F1, 1152-bit, exponent 3), issuer keys
 * (1024-bit) certified by them, ICC keys (768-bit) for the DDA/CDA cards. Writes test-capks.json
 * (public) and test-pki.json (TEST ONLY private keys) beside the source.
 *   npx tsc && node dist/tools/rig/cards/emv/make-test-pki.js [outDir]
 * Regenerating changes every key: the committed fixtures are what the tests and profiles expect.
 */

const CA_BITS = 1152;
const ISSUER_BITS = 1024;
const ICC_BITS = 768;
const CA_INDEX = "F1";
const CA_EXPIRY = "20351231";

const SCHEMES = [
  {
    rid: "A000000333",
    issuers: [
      { id: "unionpay-debit", issuerId: "621700", serial: "000001" },
      { id: "unionpay-credit", issuerId: "625807", serial: "000002" },
    ],
  },
  { rid: "A000000003", issuers: [{ id: "visa", issuerId: "476173", serial: "000003" }] },
  { rid: "A000000004", issuers: [{ id: "mastercard", issuerId: "541333", serial: "000004" }] },
];

const ICC_KEYS = ["unionpay-debit", "unionpay-credit", "visa", "mastercard"];

function rsaKey(bits: number): RsaJwk {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: 3 });
  return privateKey.export({ format: "jwk" }) as JsonWebKey as RsaJwk;
}

const hex = (b: Buffer) => b.toString("hex").toUpperCase();

export function makeTestPki(): { capks: CapkEntry[]; pki: TestPki } {
  const capks: CapkEntry[] = [];
  const pki: TestPki = {
    warning:
      "TEST ONLY. Rig test certification authority, issuer and ICC keys for virtual EMV cards. The private keys are public; never load them into anything that handles real cards.",
    certificationAuthorities: [],
    issuers: [],
    iccKeys: [],
  };
  for (const scheme of SCHEMES) {
    const ca = rsaKey(CA_BITS);
    const modulus = modulusOf(ca);
    const exponent = exponentOf(ca);
    capks.push({
      rid: scheme.rid,
      index: CA_INDEX,
      modulus: hex(modulus),
      exponent: hex(exponent),
      expiry: CA_EXPIRY,
      hash: hex(capkHash(Buffer.from(scheme.rid, "hex"), 0xf1, modulus, exponent)),
    });
    pki.certificationAuthorities.push({ rid: scheme.rid, index: CA_INDEX, expiry: CA_EXPIRY, key: ca });
    for (const issuer of scheme.issuers) {
      const key = rsaKey(ISSUER_BITS);
      const expiry = "1240";
      const cert = issuerCertificate(ca, {
        issuerId: issuer.issuerId,
        expiry,
        serial: issuer.serial,
        issuerKey: key,
      });
      pki.issuers.push({
        id: issuer.id,
        rid: scheme.rid,
        capkIndex: CA_INDEX,
        issuerId: issuer.issuerId,
        expiry,
        serial: issuer.serial,
        key,
        certificate: hex(cert.certificate),
        remainder: hex(cert.remainder),
        exponent: hex(cert.exponent),
      });
    }
  }
  for (const id of ICC_KEYS) pki.iccKeys.push({ id, key: rsaKey(ICC_BITS) });
  return { capks, pki };
}

function main(): void {
  const outDir = process.argv[2] ?? sourceDir();
  const { capks, pki } = makeTestPki();
  writeFileSync(join(outDir, "test-capks.json"), `${JSON.stringify(capks, null, 2)}\n`);
  writeFileSync(join(outDir, "test-pki.json"), `${JSON.stringify(pki, null, 2)}\n`);
  process.stdout.write(`wrote test-capks.json and test-pki.json to ${outDir}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
