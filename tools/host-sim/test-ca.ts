import forge from "node-forge";

/** PEM strings for one certificate and its private key. */
export interface PemPair {
  cert: string;
  key: string;
}

/** A throwaway PKI for TLS tests: a CA, a server certificate for loopback, optionally a client one. */
export interface TestPki {
  ca: PemPair;
  server: PemPair;
  client?: PemPair;
}

export interface TestPkiOptions {
  /** DNS names / IP addresses for the server certificate; default localhost and 127.0.0.1. */
  hosts?: readonly string[];
  /** Also issue a client certificate (for mutual TLS). */
  client?: boolean;
  /** Validity in days; default 30. */
  days?: number;
  /** RSA size; default 2048 (node-forge uses node:crypto to generate, so this is quick). */
  keyBits?: number;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function keyPair(bits: number): forge.pki.rsa.KeyPair {
  return forge.pki.rsa.generateKeyPair({ bits, e: 0x10001 });
}

function serial(): string {
  // Positive, 16 random bytes: the top bit cleared so DER does not read it as negative.
  const bytes = forge.random.getBytesSync(16);
  return (
    (0x40 | (bytes.charCodeAt(0) & 0x3f)).toString(16).padStart(2, "0") +
    forge.util.bytesToHex(bytes.slice(1))
  );
}

function certificate(
  subjectCn: string,
  publicKey: forge.pki.PublicKey,
  issuer: { cn: string; key: forge.pki.rsa.PrivateKey },
  days: number,
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + days * 86_400_000);
  cert.setSubject([
    { name: "commonName", value: subjectCn },
    { name: "organizationName", value: "POS host simulator test" },
  ]);
  cert.setIssuer([
    { name: "commonName", value: issuer.cn },
    { name: "organizationName", value: "POS host simulator test" },
  ]);
  cert.setExtensions(extensions);
  cert.sign(issuer.key, forge.md.sha256.create());
  return cert;
}

/**
 * Generates the test CA and the certificates the simulator (and a mutual-TLS client) present. For
 * tests and local rigs only: keys are returned in clear PEM.
 */
export function createTestPki(options: TestPkiOptions = {}): TestPki {
  const bits = options.keyBits ?? 2048;
  const days = options.days ?? 30;
  const hosts = options.hosts ?? ["localhost", "127.0.0.1"];
  const caKeys = keyPair(bits);
  const caCn = "POS host simulator test CA";
  const ca = certificate(caCn, caKeys.publicKey, { cn: caCn, key: caKeys.privateKey }, days, [
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
  ]);
  const issuer = { cn: caCn, key: caKeys.privateKey };
  const serverKeys = keyPair(bits);
  const server = certificate(hosts[0] ?? "localhost", serverKeys.publicKey, issuer, days, [
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: hosts.map((h) => (IPV4.test(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    },
  ]);
  const pki: TestPki = {
    ca: { cert: forge.pki.certificateToPem(ca), key: forge.pki.privateKeyToPem(caKeys.privateKey) },
    server: {
      cert: forge.pki.certificateToPem(server),
      key: forge.pki.privateKeyToPem(serverKeys.privateKey),
    },
  };
  if (options.client) {
    const clientKeys = keyPair(bits);
    const client = certificate("POS terminal test client", clientKeys.publicKey, issuer, days, [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", clientAuth: true },
    ]);
    pki.client = {
      cert: forge.pki.certificateToPem(client),
      key: forge.pki.privateKeyToPem(clientKeys.privateKey),
    };
  }
  return pki;
}
