import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { writeFileAtomic } from "../../drivers/storage/atomic-file.js";
import { KeyStoreError } from "./key-store-error.js";
import type { SecureElement } from "./secure-element.js";

const DEVICE_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 1;

/**
 * Device key in a file (mode 0600), AES-256-GCM sealing. The key file and the key store file are kept
 * apart so the store alone reveals nothing. Stands in for the secure element on the rig and on dev kits.
 */
export class FileSecureElement implements SecureElement {
  private deviceKey: Buffer | undefined;

  constructor(
    private readonly path: string,
    private readonly random: (n: number) => Buffer = randomBytes,
  ) {}

  seal(plain: Buffer, label: string): Buffer {
    const key = this.key(true);
    const nonce = this.random(NONCE_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, nonce);
    cipher.setAAD(Buffer.from(label, "utf8"));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT]), nonce, body, cipher.getAuthTag()]);
  }

  open(sealed: Buffer, label: string): Buffer {
    const key = this.key(false);
    if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== FORMAT) {
      throw new KeyStoreError("sealed blob is malformed", label);
    }
    const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv("aes-256-gcm", key, nonce);
    decipher.setAAD(Buffer.from(label, "utf8"));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new KeyStoreError("sealed blob failed authentication (tampered, or another device key)", label);
    }
  }

  wipe(): void {
    this.deviceKey?.fill(0);
    this.deviceKey = undefined;
    if (existsSync(this.path)) {
      // Overwrite before unlinking so the key does not linger in the file's old blocks on simple filesystems.
      writeFileAtomic(this.path, Buffer.alloc(DEVICE_KEY_BYTES));
      rmSync(this.path, { force: true });
    }
  }

  private key(create: boolean): Buffer {
    if (this.deviceKey) return this.deviceKey;
    if (existsSync(this.path)) {
      const mode = statSync(this.path).mode & 0o077;
      if (mode !== 0)
        throw new KeyStoreError(`device key file ${this.path} is readable by others (mode must be 0600)`);
      const key = readFileSync(this.path);
      if (key.length !== DEVICE_KEY_BYTES) throw new KeyStoreError(`device key file ${this.path} is corrupt`);
      this.deviceKey = key;
      return key;
    }
    if (!create) throw new KeyStoreError("no device key: the key store was erased or never initialised");
    const key = this.random(DEVICE_KEY_BYTES);
    writeFileAtomic(this.path, key);
    this.deviceKey = key;
    return key;
  }
}
