import { aesDerivationData } from "./aes-derivation-data.js";
import { deriveAesDukptKey } from "./aes-derive-key.js";
import { AES_DUKPT_DERIVATION_USAGE, type AesDukptKeyType, aesDerivationKeyType } from "./aes-key-type.js";
import {
  AES_COUNTER_LIMIT,
  AES_KSN_LENGTH,
  AES_MAX_ONE_BITS,
  aesKsn,
  aesKsnCounter,
  checkAesKsn,
} from "./aes-ksn.js";
import { countOneBits, lowestOneBit } from "./counter-bits.js";
import { DukptError, DukptExhaustedError } from "./dukpt-error.js";

/**
 * Transaction-originating (terminal) AES DUKPT, ANSI X9.24-3:2017 6.5/6.6.
 *
 * Holds the 32 intermediate derivation key registers with their in-use flags and the KSN (initial
 * key ID + 32-bit transaction counter). Register i belongs to counter bit 2^i, as in the standard's
 * `intermediateDerivationKeyRegister[i]`. The shift register and current-key index are locals.
 */
export const AES_DERIVATION_KEY_REGISTERS = 32;

export interface AesDukptTerminalState {
  /** 12 bytes; counter = the next transaction's counter (0 once exhausted). */
  ksn: Buffer;
  /** 32 registers of the initial key's length (16, 24 or 32 bytes), register 0 first. */
  registers: Buffer;
  /** 32 bytes, 1 = register in use, 0 = erased. */
  inUse: Buffer;
}

export interface AesDukptTransaction {
  ksn: Buffer;
  /** The intermediate derivation key for this KSN; working keys come from it. Caller zeroes it. */
  transactionKey: Buffer;
}

export class AesDukptTerminal {
  private readonly ksnRegister: Buffer;
  private readonly registers: Buffer;
  private readonly inUse: Buffer;
  private readonly keyLength: number;
  private readonly keyType: AesDukptKeyType;

  private constructor(ksn: Buffer, registers: Buffer, inUse: Buffer, keyLength: number) {
    this.ksnRegister = ksn;
    this.registers = registers;
    this.inUse = inUse;
    this.keyLength = keyLength;
    this.keyType = keyLength === 16 ? "aes128" : keyLength === 24 ? "aes192" : "aes256";
  }

  /**
   * "Load_Initial_Key": with the initial key as the current key at counter 0, Update_Derivation_Keys
   * fills all 32 registers, then the counter starts at 1. `initialKeyId` is 8 bytes or a 12-byte KSN.
   * The caller's `initialKey` Buffer is not modified.
   */
  static loadInitialKey(initialKey: Buffer, initialKeyId: Buffer): AesDukptTerminal {
    aesDerivationKeyType(initialKey, "initialKey");
    const keyLength = initialKey.length;
    const terminal = new AesDukptTerminal(
      aesKsn(initialKeyId, 0),
      Buffer.alloc(AES_DERIVATION_KEY_REGISTERS * keyLength),
      Buffer.alloc(AES_DERIVATION_KEY_REGISTERS),
      keyLength,
    );
    const scratch = Buffer.from(initialKey);
    terminal.updateDerivationKeys(scratch, AES_DERIVATION_KEY_REGISTERS - 1, 0);
    scratch.fill(0);
    terminal.setCounter(1);
    return terminal;
  }

  static fromState(state: AesDukptTerminalState): AesDukptTerminal {
    checkAesKsn(state.ksn, "state.ksn");
    const keyLength = state.registers.length / AES_DERIVATION_KEY_REGISTERS;
    if (![16, 24, 32].includes(keyLength)) {
      throw new DukptError(`registers must be 32 × 16, 24 or 32 bytes, got ${state.registers.length}`, {
        path: "state.registers",
      });
    }
    if (state.inUse.length !== AES_DERIVATION_KEY_REGISTERS || state.inUse.some((b) => b > 1)) {
      throw new DukptError("in-use flags must be 32 bytes of 0 or 1", { path: "state.inUse" });
    }
    const counter = aesKsnCounter(state.ksn);
    if (countOneBits(counter) > AES_MAX_ONE_BITS) {
      throw new DukptError(`counter ${counter.toString(16)} has more than ${AES_MAX_ONE_BITS} one-bits`, {
        path: "state.ksn",
      });
    }
    return new AesDukptTerminal(
      Buffer.from(state.ksn),
      Buffer.from(state.registers),
      Buffer.from(state.inUse),
      keyLength,
    );
  }

  /** Decode the flat form written by `toBuffer()`. */
  static fromBuffer(encoded: Buffer): AesDukptTerminal {
    const keyBytes = encoded.length - AES_KSN_LENGTH - AES_DERIVATION_KEY_REGISTERS;
    if (keyBytes <= 0) {
      throw new DukptError(`AES DUKPT state too short: ${encoded.length} bytes`, { path: "state" });
    }
    return AesDukptTerminal.fromState({
      ksn: encoded.subarray(0, AES_KSN_LENGTH),
      registers: encoded.subarray(AES_KSN_LENGTH, AES_KSN_LENGTH + keyBytes),
      inUse: encoded.subarray(AES_KSN_LENGTH + keyBytes),
    });
  }

  state(): AesDukptTerminalState {
    return {
      ksn: Buffer.from(this.ksnRegister),
      registers: Buffer.from(this.registers),
      inUse: Buffer.from(this.inUse),
    };
  }

  /** KSN ‖ registers ‖ in-use flags. */
  toBuffer(): Buffer {
    return Buffer.concat([this.ksnRegister, this.registers, this.inUse]);
  }

  get counter(): number {
    return aesKsnCounter(this.ksnRegister);
  }

  get exhausted(): boolean {
    return this.counter === 0;
  }

  /**
   * Generate_Working_Keys' register selection (Set_Shift_Register, skip registers not in use), hand
   * out a copy of the current derivation key, then Update_State_for_next_Transaction.
   */
  nextTransaction(): AesDukptTransaction {
    let counter = this.counter;
    let shift: number;
    let current: number;
    for (;;) {
      if (counter === 0) {
        this.setCounter(0);
        throw new DukptExhaustedError("AES DUKPT counter exhausted: load a new initial key", {
          path: "ksn.counter",
        });
      }
      shift = lowestOneBit(counter);
      current = Math.log2(shift);
      if (this.inUse[current] === 1) break;
      counter += shift;
      if (counter > AES_COUNTER_LIMIT) counter = 0;
      this.setCounter(counter);
    }
    const transactionKey = Buffer.from(this.register(current));
    const ksn = Buffer.from(this.ksnRegister);
    this.updateStateForNextTransaction(current, shift, counter);
    return { ksn, transactionKey };
  }

  zeroize(): void {
    this.registers.fill(0);
    this.inUse.fill(0);
    this.setCounter(0);
  }

  /** Update_State_for_next_Transaction. */
  private updateStateForNextTransaction(current: number, shift: number, counter: number): void {
    let next: number;
    if (countOneBits(counter) < AES_MAX_ONE_BITS) {
      if (current > 0) this.updateDerivationKeys(this.register(current), current - 1, counter);
      this.erase(current);
      next = counter + 1;
    } else {
      this.erase(current);
      next = counter + shift;
    }
    this.setCounter(next > AES_COUNTER_LIMIT ? 0 : next);
  }

  /** Update_Derivation_Keys: registers `start` down to 0 from `baseKey`, each for counter | 2^i. */
  private updateDerivationKeys(baseKey: Buffer, start: number, counter: number): void {
    const data = Buffer.from(this.ksnRegister.subarray(4, 12));
    for (let i = start; i >= 0; i--) {
      data.writeUInt32BE(counter + 2 ** i, 4);
      const key = deriveAesDukptKey(
        baseKey,
        aesDerivationData(AES_DUKPT_DERIVATION_USAGE, this.keyType, data),
      );
      key.copy(this.registers, i * this.keyLength);
      key.fill(0);
      this.inUse[i] = 1;
    }
  }

  private register(index: number): Buffer {
    return this.registers.subarray(index * this.keyLength, (index + 1) * this.keyLength);
  }

  private erase(index: number): void {
    this.register(index).fill(0);
    this.inUse[index] = 0;
  }

  private setCounter(counter: number): void {
    this.ksnRegister.writeUInt32BE(counter, 8);
  }
}
