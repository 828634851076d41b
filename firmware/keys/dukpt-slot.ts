import { cmac } from "../../protocol/crypto/cmac.js";
import { equalConstantTime } from "../../protocol/crypto/constant-time.js";
import { AesDukptTerminal } from "../../protocol/crypto/dukpt/aes-terminal.js";
import { deriveAesWorkingKey } from "../../protocol/crypto/dukpt/aes-working-key.js";
import { TdesDukptTerminal } from "../../protocol/crypto/dukpt/tdes-terminal.js";
import { deriveTdesWorkingKey } from "../../protocol/crypto/dukpt/tdes-working-keys.js";
import { macAnsiX919 } from "../../protocol/crypto/mac.js";
import { encryptPinBlock } from "../../protocol/crypto/pinblock/encrypted.js";
import { encipherPinBlockIso4 } from "../../protocol/crypto/pinblock/iso4.js";
import { KeyStoreError } from "./key-store-error.js";

export type DukptScheme = "tdes" | "aes";

/**
 * A DUKPT engine (ANSI X9.24-1 TDES or X9.24-3 AES) and its flat persisted form. The form is sealed
 * by the secure element like any other key; it holds the future keys, never the base derivation key.
 */
export type DukptEngine =
  | { scheme: "tdes"; terminal: TdesDukptTerminal }
  | { scheme: "aes"; terminal: AesDukptTerminal };

export function loadDukptEngine(scheme: DukptScheme, initialKey: Buffer, ksn: Buffer): DukptEngine {
  return scheme === "tdes"
    ? { scheme, terminal: TdesDukptTerminal.loadInitialKey(initialKey, ksn) }
    : { scheme, terminal: AesDukptTerminal.loadInitialKey(initialKey, ksn) };
}

/** The KSN of the engine's next transaction (its state copy is zeroised, key registers included). */
export function dukptKsn(engine: DukptEngine): Buffer {
  const state = engine.terminal.state();
  const ksn = Buffer.from(state.ksn);
  for (const part of Object.values(state)) part.fill(0);
  return ksn;
}

export function encodeDukptEngine(engine: DukptEngine): Buffer {
  return engine.terminal.toBuffer();
}

export function decodeDukptEngine(scheme: DukptScheme, encoded: Buffer): DukptEngine {
  return scheme === "tdes"
    ? { scheme, terminal: TdesDukptTerminal.fromBuffer(encoded) }
    : { scheme, terminal: AesDukptTerminal.fromBuffer(encoded) };
}

/**
 * One DUKPT transaction: its KSN and the keys derived from its transaction key. Every key is derived
 * on demand and zeroised straight after use; `close()` zeroises the transaction key.
 */
export class DukptTransaction {
  private closed = false;

  constructor(
    readonly scheme: DukptScheme,
    readonly ksn: Buffer,
    private readonly transactionKey: Buffer,
  ) {}

  /** Enciphers the PIN: ISO format 0 under the TDES PIN variant, or format 4 under the AES PIN key. */
  encryptPin(pin: Buffer, pan: string): Buffer {
    this.checkOpen();
    if (this.scheme === "tdes") {
      return this.withKey(deriveTdesWorkingKey(this.transactionKey, "pin"), (k) =>
        encryptPinBlock(k, pin, { format: 0, pan }),
      );
    }
    return this.withKey(deriveAesWorkingKey(this.transactionKey, this.ksn, "pin-encryption", "aes128"), (k) =>
      encipherPinBlockIso4(k, pin, pan),
    );
  }

  /** Request MAC: X9.19 under the TDES MAC-request variant, or AES-CMAC under the MAC generation key. */
  macRequest(data: Buffer): Buffer {
    this.checkOpen();
    if (this.scheme === "tdes") {
      return this.withKey(deriveTdesWorkingKey(this.transactionKey, "mac-request"), (k) =>
        macAnsiX919(k, data),
      );
    }
    return this.withKey(deriveAesWorkingKey(this.transactionKey, this.ksn, "mac-generation", "aes128"), (k) =>
      cmac("aes", k, data),
    );
  }

  /** Verifies a response MAC in constant time (TDES MAC-response variant; AES MAC verification key). */
  verifyResponseMac(data: Buffer, mac: Buffer): boolean {
    this.checkOpen();
    // A MAC shorter than 4 bytes proves nothing (and an empty one would compare equal).
    if (mac.length < 4) return false;
    const expected =
      this.scheme === "tdes"
        ? this.withKey(deriveTdesWorkingKey(this.transactionKey, "mac-response"), (k) => macAnsiX919(k, data))
        : this.withKey(
            deriveAesWorkingKey(this.transactionKey, this.ksn, "mac-verification", "aes128"),
            (k) => cmac("aes", k, data),
          );
    return equalConstantTime(expected.subarray(0, mac.length), mac);
  }

  close(): void {
    this.transactionKey.fill(0);
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new KeyStoreError("transaction is closed", "dukpt");
  }

  private withKey<T>(key: Buffer, fn: (key: Buffer) => T): T {
    try {
      return fn(key);
    } finally {
      key.fill(0);
    }
  }
}
