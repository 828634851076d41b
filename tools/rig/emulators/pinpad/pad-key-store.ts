import { tdesEcbDecrypt } from "../../../../protocol/crypto/cipher.js";
import { TdesDukptTerminal } from "../../../../protocol/crypto/dukpt/tdes-terminal.js";
import { deriveTdesWorkingKey } from "../../../../protocol/crypto/dukpt/tdes-working-keys.js";
import { verifyKeyCheckValue } from "../../../../protocol/crypto/kcv.js";
import { encryptPinBlock } from "../../../../protocol/crypto/pinblock/encrypted.js";
import type { LoadWorkingKeyParams, WorkingKeyUsage } from "../../../../protocol/pinpad/commands/load-key.js";
import { PINPAD_STATUS } from "../../../../protocol/pinpad/status.js";

export interface DukptKeySet {
  /** The key set's index (GPN KEYIDX with a DUKPT method). */
  index: number;
  ipek: Buffer;
  /** Initial KSN (10 bytes). */
  ksn: Buffer;
}

export interface PadKeyStoreOptions {
  /** Master keys (TMK) by index; copied in. */
  masterKeys?: Record<number, Buffer>;
  dukpt?: DukptKeySet[];
}

interface WorkingKey {
  usage: WorkingKeyUsage;
  key: Buffer;
}

export type PinKeyResult =
  | { status: 0; pinBlock: Buffer; ksn: Buffer }
  | { status: (typeof PINPAD_STATUS)["KEY_MISSING"] | (typeof PINPAD_STATUS)["INVALID_PARAMETER"] };

/**
 * The pad's secure memory: master keys, working keys unwrapped under them, DUKPT terminals. Keys live
 * only in Buffers owned here and are zeroed when replaced or wiped; nothing clear ever leaves — the
 * only output is an enciphered PIN block.
 */
export class PadKeyStore {
  private readonly masterKeys = new Map<number, Buffer>();
  private readonly workingKeys = new Map<number, WorkingKey>();
  private readonly dukpt = new Map<number, TdesDukptTerminal>();

  constructor(options: PadKeyStoreOptions = {}) {
    for (const [index, key] of Object.entries(options.masterKeys ?? {})) {
      this.masterKeys.set(Number(index), Buffer.from(key));
    }
    for (const set of options.dukpt ?? []) this.loadDukpt(set);
  }

  /** Key injection: a master key into its index (copied in; the old one zeroed). */
  loadMasterKey(index: number, key: Buffer): void {
    this.masterKeys.get(index)?.fill(0);
    this.masterKeys.set(index, Buffer.from(key));
  }

  /** True when no key of any kind is held (after a tamper erase). */
  get isEmpty(): boolean {
    return this.masterKeys.size === 0 && this.workingKeys.size === 0 && this.dukpt.size === 0;
  }

  loadDukpt(set: DukptKeySet): void {
    this.dukpt.set(set.index, TdesDukptTerminal.loadInitialKey(set.ipek, set.ksn));
  }

  hasPinKey(method: "mkwk" | "dukpt", index: number): boolean {
    if (method === "dukpt") return this.dukpt.has(index) && !this.dukpt.get(index)!.exhausted;
    return this.workingKeys.get(index)?.usage === "pin";
  }

  /** LWK: 000 stored, 042 master key absent, 091 check value mismatch (the old key stays). */
  loadWorkingKey(params: LoadWorkingKeyParams): number {
    const master = this.masterKeys.get(params.masterKeyIndex);
    if (!master) return PINPAD_STATUS.KEY_MISSING;
    const clear = tdesEcbDecrypt(master, params.ciphertext);
    if (!verifyKeyCheckValue("tdes", clear, params.kcv)) {
      clear.fill(0);
      return PINPAD_STATUS.KCV_MISMATCH;
    }
    this.workingKeys.get(params.slot)?.key.fill(0);
    this.workingKeys.set(params.slot, { usage: params.usage, key: clear });
    return PINPAD_STATUS.OK;
  }

  /** Enciphers a format-0 block for `pin` (ASCII digits) under the PIN key the method names. */
  encipherPin(method: "mkwk" | "dukpt", index: number, pin: Buffer, pan: string): PinKeyResult {
    if (method === "mkwk") {
      const working = this.workingKeys.get(index);
      if (working?.usage !== "pin") return { status: PINPAD_STATUS.KEY_MISSING };
      return {
        status: 0,
        pinBlock: encryptPinBlock(working.key, pin, { format: 0, pan }),
        ksn: Buffer.alloc(10),
      };
    }
    const terminal = this.dukpt.get(index);
    if (!terminal || terminal.exhausted) return { status: PINPAD_STATUS.KEY_MISSING };
    const { ksn, transactionKey } = terminal.nextTransaction();
    const pinKey = deriveTdesWorkingKey(transactionKey, "pin");
    try {
      return { status: 0, pinBlock: encryptPinBlock(pinKey, pin, { format: 0, pan }), ksn };
    } finally {
      transactionKey.fill(0);
      pinKey.fill(0);
    }
  }

  /** Tamper response: every key erased. */
  zeroize(): void {
    for (const key of this.masterKeys.values()) key.fill(0);
    for (const working of this.workingKeys.values()) working.key.fill(0);
    for (const terminal of this.dukpt.values()) terminal.zeroize();
    this.masterKeys.clear();
    this.workingKeys.clear();
    this.dukpt.clear();
  }
}
