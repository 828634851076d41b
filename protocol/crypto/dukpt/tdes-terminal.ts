import { countOneBits, lowestOneBit } from "./counter-bits.js";
import { DukptError, DukptExhaustedError } from "./dukpt-error.js";
import { tdesNonReversibleKey } from "./tdes-key-generation.js";
import {
  checkTdesKsn,
  TDES_COUNTER_LIMIT,
  TDES_KSN_LENGTH,
  TDES_MAX_ONE_BITS,
  tdesInitialKsn,
  tdesKsnCounter,
  withTdesKsnCounter,
} from "./tdes-ksn.js";

/**
 * Transaction-originating (terminal) TDES DUKPT, ANSI X9.24-1:2009 A.2.
 *
 * Holds what the standard's device holds between transactions: the 21 Future Key Registers, each
 * with its LRC, and the KSN register (initial KSN + 21-bit encryption counter). The Current Key
 * Pointer and Shift Register only live during one transaction, so they are locals here.
 *
 * Register numbering follows the standard: FKR #1 (index 0) belongs to the left-most counter bit
 * 0x100000, FKR #21 (index 20) to the right-most bit 0x000001.
 */
export const TDES_FUTURE_KEY_REGISTERS = 21;
const KEY_LENGTH = 16;

/** Persisted form for a key store; every field is a copy and the caller zeroes it when done. */
export interface TdesDukptTerminalState {
  /** KSN register: 10 bytes, counter = the next transaction's counter (0 once exhausted). */
  ksn: Buffer;
  /** 21 × 16 bytes, FKR #1 first. Erased registers are zeros. */
  futureKeys: Buffer;
  /** One LRC byte per register (XOR of its 16 bytes); an erased register carries an invalid LRC. */
  lrc: Buffer;
}

export interface TdesDukptTransaction {
  /** The KSN to send with this transaction. */
  ksn: Buffer;
  /** The transaction key (before any variant); the caller zeroes it after use. */
  transactionKey: Buffer;
}

/** Flat encoding length: KSN ‖ future keys ‖ LRCs. */
export const TDES_DUKPT_STATE_LENGTH = TDES_KSN_LENGTH + TDES_FUTURE_KEY_REGISTERS * KEY_LENGTH + 21;

function lrcOf(key: Buffer): number {
  let lrc = 0;
  for (const byte of key) lrc ^= byte;
  return lrc;
}

/** Counter bit → register index (FKR number − 1): 0x100000 → 0, 0x000001 → 20. */
function registerFor(shift: number): number {
  return TDES_FUTURE_KEY_REGISTERS - 1 - Math.log2(shift);
}

export class TdesDukptTerminal {
  private readonly ksnRegister: Buffer;
  private readonly futureKeys: Buffer;
  private readonly lrc: Buffer;

  private constructor(ksn: Buffer, futureKeys: Buffer, lrc: Buffer) {
    this.ksnRegister = ksn;
    this.futureKeys = futureKeys;
    this.lrc = lrc;
  }

  /**
   * "Load Initial Key": derive the 21 future keys from the IPEK at counter 0 (New Key-3 for every
   * shift-register bit), then start the counter at 1. The standard parks the IPEK in FKR #21, which
   * the last New Key-3 step overwrites; here it stays in a scratch copy that is zeroed. The
   * caller's `ipek` Buffer is not modified.
   */
  static loadInitialKey(ipek: Buffer, ksn: Buffer): TdesDukptTerminal {
    if (ipek.length !== KEY_LENGTH) {
      throw new DukptError(`TDES DUKPT IPEK must be 16 bytes, got ${ipek.length}`, { path: "ipek" });
    }
    checkTdesKsn(ksn);
    const terminal = new TdesDukptTerminal(
      tdesInitialKsn(ksn),
      Buffer.alloc(TDES_FUTURE_KEY_REGISTERS * KEY_LENGTH),
      Buffer.alloc(TDES_FUTURE_KEY_REGISTERS, 0xff),
    );
    const initialKey = Buffer.from(ipek);
    terminal.fillFutureKeys(initialKey, 0x100000);
    initialKey.fill(0);
    terminal.setCounter(1);
    return terminal;
  }

  /** Rebuild a terminal from a persisted state (copied; the caller may zero its Buffers). */
  static fromState(state: TdesDukptTerminalState): TdesDukptTerminal {
    checkTdesKsn(state.ksn, "state.ksn");
    if (state.futureKeys.length !== TDES_FUTURE_KEY_REGISTERS * KEY_LENGTH) {
      throw new DukptError(`future key registers must be ${TDES_FUTURE_KEY_REGISTERS * KEY_LENGTH} bytes`, {
        path: "state.futureKeys",
      });
    }
    if (state.lrc.length !== TDES_FUTURE_KEY_REGISTERS) {
      throw new DukptError(`LRC must be ${TDES_FUTURE_KEY_REGISTERS} bytes, got ${state.lrc.length}`, {
        path: "state.lrc",
      });
    }
    const counter = tdesKsnCounter(state.ksn);
    if (countOneBits(counter) > TDES_MAX_ONE_BITS) {
      throw new DukptError(`counter ${counter.toString(16)} has more than ${TDES_MAX_ONE_BITS} one-bits`, {
        path: "state.ksn",
      });
    }
    return new TdesDukptTerminal(
      Buffer.from(state.ksn),
      Buffer.from(state.futureKeys),
      Buffer.from(state.lrc),
    );
  }

  /** Decode the flat form written by `toBuffer()`. */
  static fromBuffer(encoded: Buffer): TdesDukptTerminal {
    if (encoded.length !== TDES_DUKPT_STATE_LENGTH) {
      throw new DukptError(
        `TDES DUKPT state must be ${TDES_DUKPT_STATE_LENGTH} bytes, got ${encoded.length}`,
        {
          path: "state",
        },
      );
    }
    const keysEnd = TDES_KSN_LENGTH + TDES_FUTURE_KEY_REGISTERS * KEY_LENGTH;
    return TdesDukptTerminal.fromState({
      ksn: encoded.subarray(0, TDES_KSN_LENGTH),
      futureKeys: encoded.subarray(TDES_KSN_LENGTH, keysEnd),
      lrc: encoded.subarray(keysEnd),
    });
  }

  /** Copies of the registers, for the key store. */
  state(): TdesDukptTerminalState {
    return {
      ksn: Buffer.from(this.ksnRegister),
      futureKeys: Buffer.from(this.futureKeys),
      lrc: Buffer.from(this.lrc),
    };
  }

  /** KSN ‖ future keys ‖ LRCs as one Buffer (`TDES_DUKPT_STATE_LENGTH` bytes). */
  toBuffer(): Buffer {
    return Buffer.concat([this.ksnRegister, this.futureKeys, this.lrc]);
  }

  /** The counter the next transaction will use (0 once exhausted). */
  get counter(): number {
    return tdesKsnCounter(this.ksnRegister);
  }

  get exhausted(): boolean {
    return this.counter === 0;
  }

  /**
   * "Request PIN Entry" 1–2 then "New Key": pick the key for the current counter, hand out a copy,
   * prepare the future keys below it, erase it and advance the counter. Throws DukptExhaustedError
   * once the counter has passed 0x1FF800.
   */
  nextTransaction(): TdesDukptTransaction {
    // Request PIN Entry 1: Set Bit, point at that register, skip registers whose LRC fails.
    let counter = this.counter;
    let shift: number;
    let current: number;
    for (;;) {
      if (counter === 0) {
        this.setCounter(0);
        throw new DukptExhaustedError("TDES DUKPT counter exhausted: load a new initial key", {
          path: "ksn.counter",
        });
      }
      shift = lowestOneBit(counter);
      current = registerFor(shift);
      if (this.lrcValid(current)) break;
      counter += shift;
      if (counter > TDES_COUNTER_LIMIT) counter = 0;
      this.setCounter(counter);
    }

    // Request PIN Entry 2: the key the PIN block / MAC / data variants come from.
    const transactionKey = Buffer.from(this.register(current));
    const ksn = Buffer.from(this.ksnRegister);

    this.newKey(current, shift, counter);
    return { ksn, transactionKey };
  }

  /** Tamper response or retirement: erase every register and mark the device exhausted. */
  zeroize(): void {
    this.futureKeys.fill(0);
    this.lrc.fill(0xff);
    this.setCounter(0);
  }

  /** "New Key" and New Key-1…4 of X9.24-1:2009 A.2. */
  private newKey(current: number, shift: number, counter: number): void {
    let next: number;
    if (countOneBits(counter) < TDES_MAX_ONE_BITS) {
      // New Key-1/3: future keys for every bit right of the current one, from the current key.
      if (shift > 1) this.fillFutureKeys(this.register(current), shift >>> 1);
      // New Key-4.
      this.erase(current);
      next = counter + 1;
    } else {
      // Ten one-bits: no future keys below this one; skip the counters that would have eleven.
      this.erase(current);
      next = counter + shift;
    }
    // New Key-2: a counter that wraps to zero means the device ceases operation.
    this.setCounter(next > TDES_COUNTER_LIMIT ? 0 : next);
  }

  /** New Key-3 repeated with the shift register running from `firstShift` down to bit 1. */
  private fillFutureKeys(key: Buffer, firstShift: number): void {
    const cryptoRegister = this.ksnRegister.subarray(2, 10);
    for (let shift = firstShift; shift !== 0; shift >>>= 1) {
      const input = Buffer.from(cryptoRegister);
      input[5] = input[5]! | (shift >>> 16);
      input[6] = input[6]! | ((shift >>> 8) & 0xff);
      input[7] = input[7]! | (shift & 0xff);
      const future = tdesNonReversibleKey(key, input);
      const index = registerFor(shift);
      future.copy(this.futureKeys, index * KEY_LENGTH);
      this.lrc[index] = lrcOf(future);
      future.fill(0);
    }
  }

  private register(index: number): Buffer {
    return this.futureKeys.subarray(index * KEY_LENGTH, (index + 1) * KEY_LENGTH);
  }

  private lrcValid(index: number): boolean {
    return this.lrc[index] === lrcOf(this.register(index));
  }

  private erase(index: number): void {
    const register = this.register(index);
    register.fill(0);
    this.lrc[index] = lrcOf(register) ^ 0xff;
  }

  private setCounter(counter: number): void {
    withTdesKsnCounter(this.ksnRegister, counter).copy(this.ksnRegister);
  }
}
