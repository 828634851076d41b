import { generateKeyPairSync } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { keyIdOfKey } from "../../firmware/update/index.js";

export type KeyAlgorithm = "ecdsa" | "rsa-pss";

export interface GeneratedKeys {
  privateKeyPath: string;
  publicKeyPath: string;
  keyId: string;
}

export const PRIVATE_KEY_FILE = "image-signing.key.pem";
export const PUBLIC_KEY_FILE = "image-signing.pub.pem";

/**
 * Makes a firmware signing key pair in `dir`: PKCS#8 private key (mode 0600) and SPKI public key.
 * RSA keys are plain rsaEncryption keys (3072 bits) so openssl and HSM tooling read them; PSS is chosen
 * when signing. Refuses to overwrite an existing private key: losing it strands every terminal in the field.
 */
export function generateSigningKeys(dir: string, algorithm: KeyAlgorithm = "ecdsa"): GeneratedKeys {
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE);
  if (existsSync(privateKeyPath))
    throw new Error(`${privateKeyPath} exists; refusing to overwrite a signing key`);
  const { privateKey, publicKey } =
    algorithm === "ecdsa"
      ? generateKeyPairSync("ec", { namedCurve: "prime256v1" })
      : generateKeyPairSync("rsa", { modulusLength: 3072 });
  mkdirSync(dir, { recursive: true });
  writeFileSync(privateKeyPath, privateKey.export({ type: "pkcs8", format: "pem" }), {
    mode: 0o600,
    flag: "wx",
  });
  chmodSync(privateKeyPath, 0o600); // whatever the umask says
  writeFileSync(publicKeyPath, publicKey.export({ type: "spki", format: "pem" }), { mode: 0o644 });
  return { privateKeyPath, publicKeyPath, keyId: keyIdOfKey(publicKey) };
}
