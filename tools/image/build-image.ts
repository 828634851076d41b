import { createPrivateKey, type KeyObject, sign } from "node:crypto";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { algorithmForKey, keyIdOfKey, signatureKeyInput } from "../../firmware/update/index.js";
import { type ArchiveEntry, packArchive, prepareImage, sealImage } from "../../protocol/image/index.js";

export interface BuildOptions {
  /** The compiled JS tree (e.g. dist/). */
  from: string;
  /** package.json: gives the image name and is packed at the archive's root. */
  packageJson: string;
  version: string;
  arch: string;
  /** Private signing key, PEM or DER PKCS#8 bytes. */
  privateKey: Buffer;
  /** Build time; fixed in tests for reproducible images. */
  now?: Date;
}

/** Builds and signs an image; returns its bytes. */
export function buildFirmwareImage(options: BuildOptions): Buffer {
  const packageBytes = readFileSync(options.packageJson);
  const name = (JSON.parse(packageBytes.toString("utf8")) as { name?: unknown }).name;
  if (typeof name !== "string") throw new Error(`${options.packageJson} has no "name"`);
  const entries = [...collectTree(options.from), { path: "package.json", mode: 0o644, data: packageBytes }];
  const key = createPrivateKey(options.privateKey);
  return signImage(
    {
      name,
      version: options.version,
      arch: options.arch,
      createdAt: (options.now ?? new Date()).toISOString(),
    },
    entries,
    key,
  );
}

/** Packs `entries`, signs with `key` (ECDSA P-256 or RSA), returns the sealed image. */
export function signImage(
  fields: { name: string; version: string; arch: string; createdAt: string },
  entries: readonly ArchiveEntry[],
  key: KeyObject,
): Buffer {
  const signatureAlgorithm = algorithmForKey(key);
  if (!signatureAlgorithm) throw new Error(`a ${key.asymmetricKeyType} key cannot sign firmware images`);
  const unsigned = prepareImage(
    { ...fields, signatureAlgorithm, keyId: keyIdOfKey(key) },
    packArchive(entries),
  );
  const signature = sign("sha256", unsigned.signedMessage, signatureKeyInput(key, signatureAlgorithm));
  return sealImage(unsigned, signature);
}

/** Every regular file under `root`, sorted, with its permission bits; links and devices are refused. */
export function collectTree(root: string): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) {
        entries.push({
          path: relative(root, path).split(sep).join("/"),
          mode: stat.mode & 0o777,
          data: readFileSync(path),
        });
      } else throw new Error(`${path} is not a regular file or directory`);
    }
  };
  walk(root);
  return entries;
}
