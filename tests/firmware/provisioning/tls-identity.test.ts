import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";
import { beforeAll, describe, expect, it } from "vitest";
import {
  generateTerminalCsr,
  installTerminalCertificate,
  ProvisioningError,
  tlsIdentityStatus,
  tlsPaths,
} from "../../../firmware/provisioning/index.js";
import { createTestPki, type TestPki } from "../../../tools/host-sim/test-ca.js";
import { posctl, resetExitCode } from "../../support/posctl.js";
import { useTempDirs } from "../../support/temp-dir.js";

/** The CA signs the CSR as an acquirer's CA would: the CSR's subject and key, the CA as issuer. */
function signCsr(
  csrPem: string,
  ca: { cert: string; key: string },
  validDays = 365,
  notBefore = new Date(),
): string {
  const csr = forge.pki.certificationRequestFromPem(csrPem);
  expect(csr.verify()).toBe(true);
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const cert = forge.pki.createCertificate();
  cert.publicKey = csr.publicKey as forge.pki.PublicKey;
  cert.serialNumber = "01";
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + validDays * 86_400_000);
  cert.setSubject(csr.subject.attributes);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([{ name: "extKeyUsage", clientAuth: true }]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

const tempDir = useTempDirs();
let pki: TestPki;
let otherPki: TestPki;
beforeAll(() => {
  pki = createTestPki();
  otherPki = createTestPki();
});

describe("terminal TLS identity", () => {
  it("generates the key on the terminal (0600, never in the CSR) and a CSR the test CA signs; install checks and stores", () => {
    const dir = tempDir();
    const { csrPem, generated } = generateTerminalCsr(dir, { commonName: "12345678", organization: "Test" });
    expect(generated).toBe(true);
    const paths = tlsPaths(dir);
    expect(statSync(paths.key).mode & 0o777).toBe(0o600);
    expect(csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(csrPem).not.toContain("PRIVATE KEY");
    const csr = forge.pki.certificationRequestFromPem(csrPem);
    expect(csr.subject.getField("CN").value).toBe("12345678");
    expect((csr.publicKey as forge.pki.rsa.PublicKey).n.bitLength()).toBe(2048);

    const installed = installTerminalCertificate(dir, signCsr(csrPem, pki.ca), pki.ca.cert);
    expect(installed.subject).toBe("12345678");
    expect(installed.issuer).toBe("POS host simulator test CA");
    expect(readFileSync(paths.chain, "utf8")).toContain("BEGIN CERTIFICATE");
    expect(tlsIdentityStatus(dir)).toMatchObject({ keyPresent: true, subject: "12345678" });
  });

  it("re-uses the key for a second CSR unless a new key is asked for", () => {
    const dir = tempDir();
    const first = generateTerminalCsr(dir, { commonName: "12345678" });
    const key = readFileSync(tlsPaths(dir).key);
    const again = generateTerminalCsr(dir, { commonName: "12345678" });
    expect(again.generated).toBe(false);
    expect(readFileSync(tlsPaths(dir).key)).toEqual(key);
    const pub = (pem: string) =>
      forge.pki.publicKeyToPem(forge.pki.certificationRequestFromPem(pem).publicKey!);
    expect(pub(again.csrPem)).toBe(pub(first.csrPem));
    const fresh = generateTerminalCsr(dir, { commonName: "12345678", newKey: true });
    expect(pub(fresh.csrPem)).not.toBe(pub(first.csrPem));
  });

  describe("install refuses", () => {
    it("a certificate for another key", () => {
      const dir = tempDir();
      generateTerminalCsr(dir, { commonName: "12345678" });
      expect(() => installTerminalCertificate(dir, pki.server.cert, pki.ca.cert)).toThrow(
        /does not match the terminal's key/,
      );
    });

    it("a certificate that does not chain to the given CA", () => {
      const dir = tempDir();
      const { csrPem } = generateTerminalCsr(dir, { commonName: "12345678" });
      expect(() => installTerminalCertificate(dir, signCsr(csrPem, otherPki.ca), pki.ca.cert)).toThrow(
        /does not chain to the given CA/,
      );
    });

    it("an expired certificate, text that is not PEM, and an install before any CSR", () => {
      const dir = tempDir();
      const { csrPem } = generateTerminalCsr(dir, { commonName: "12345678" });
      const cert = signCsr(csrPem, pki.ca, 1);
      expect(() =>
        installTerminalCertificate(dir, cert, pki.ca.cert, new Date(Date.now() + 5 * 86_400_000)),
      ).toThrow(ProvisioningError);
      expect(() => installTerminalCertificate(dir, "hello", pki.ca.cert)).toThrow(
        /is not PEM|holds no certificate/,
      );
      expect(() => installTerminalCertificate(tempDir(), cert, pki.ca.cert)).toThrow(
        /run `provision csr` first/,
      );
      expect(statSync(tlsPaths(dir).key).isFile()).toBe(true);
      expect(() => statSync(tlsPaths(dir).cert)).toThrow();
    });
  });
});

describe("posctl provision csr / install", () => {
  resetExitCode();

  it("writes the CSR, never prints the key, installs the signed certificate", async () => {
    const dir = tempDir();
    const out = join(dir, "csr.pem");
    const csr = await posctl("provision", "csr", "--dir", dir, "--cn", "12345678", "--out", out);
    expect(csr).toMatchObject({ exitCode: 0, stderr: "" });
    expect(csr.stdout).not.toContain("PRIVATE");
    writeFileSync(join(dir, "cert.pem"), signCsr(readFileSync(out, "utf8"), pki.ca));
    writeFileSync(join(dir, "chain.pem"), pki.ca.cert);
    const ok = await posctl(
      "provision",
      "install",
      "--dir",
      dir,
      "--cert",
      join(dir, "cert.pem"),
      "--chain",
      join(dir, "chain.pem"),
    );
    expect(ok).toMatchObject({ exitCode: 0, stderr: "" });
    expect(ok.stdout).toMatch(/installed certificate 12345678 issued by POS host simulator test CA/);
  });

  it("prints the CSR on stdout without --out; a foreign certificate ends in exit 2", async () => {
    const dir = tempDir();
    const csr = await posctl("provision", "csr", "--dir", dir, "--cn", "12345678");
    expect(csr.stdout).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    writeFileSync(join(dir, "cert.pem"), pki.server.cert);
    writeFileSync(join(dir, "chain.pem"), pki.ca.cert);
    const bad = await posctl(
      "provision",
      "install",
      "--dir",
      dir,
      "--cert",
      join(dir, "cert.pem"),
      "--chain",
      join(dir, "chain.pem"),
    );
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^posctl: certificate does not match the terminal's key/);
  });
});
