import { aesKsn } from "../../../../protocol/crypto/dukpt/aes-ksn.js";
import type { AesDukptTerminalState } from "../../../../protocol/crypto/dukpt/aes-terminal.js";
import { deriveAesTransactionKey } from "../../../../protocol/crypto/dukpt/aes-transaction-key.js";
import { lowestOneBit } from "../../../../protocol/crypto/dukpt/counter-bits.js";
import { withTdesKsnCounter } from "../../../../protocol/crypto/dukpt/tdes-ksn.js";
import type { TdesDukptTerminalState } from "../../../../protocol/crypto/dukpt/tdes-terminal.js";
import { deriveTdesTransactionKey } from "../../../../protocol/crypto/dukpt/tdes-transaction-key.js";

/**
 * Test-only: the register file a terminal holds just before transaction `counter`, built from the
 * initial key with the host derivation, so the terminal engine can be started near the end of the
 * counter space. Invariant (both standards): the register of the counter's lowest one-bit holds the
 * key for the counter itself; the register of every zero bit above it holds the key for "counter
 * with the bits below that bit cleared, plus that bit"; every other register has been erased.
 * The tests then check the engine from there against the host for every counter to exhaustion, so
 * a wrong invariant here would show up as a failure, not a false pass.
 */
function futureCounters(counter: number, bits: number): Map<number, number> {
  const out = new Map<number, number>();
  const low = lowestOneBit(counter);
  out.set(Math.log2(low), counter);
  for (let i = Math.log2(low) + 1; i < bits; i++) {
    const bit = 2 ** i;
    if (Math.floor(counter / bit) % 2 === 1) continue;
    const above = counter - (counter % (bit * 2));
    out.set(i, above + bit);
  }
  return out;
}

export function tdesStateAt(ipek: Buffer, ksn: Buffer, counter: number): TdesDukptTerminalState {
  const futureKeys = Buffer.alloc(21 * 16);
  const lrc = Buffer.alloc(21, 0xff);
  for (const [bitIndex, target] of futureCounters(counter, 21)) {
    const key = deriveTdesTransactionKey(ipek, withTdesKsnCounter(ksn, target));
    const register = 20 - bitIndex; // FKR #1 holds bit 20
    key.copy(futureKeys, register * 16);
    lrc[register] = key.reduce((a, b) => a ^ b, 0);
  }
  return { ksn: withTdesKsnCounter(ksn, counter), futureKeys, lrc };
}

export function aesStateAt(initialKey: Buffer, initialKeyId: Buffer, counter: number): AesDukptTerminalState {
  const size = initialKey.length;
  const registers = Buffer.alloc(32 * size);
  const inUse = Buffer.alloc(32);
  for (const [bitIndex, target] of futureCounters(counter, 32)) {
    deriveAesTransactionKey(initialKey, aesKsn(initialKeyId, target)).copy(registers, bitIndex * size);
    inUse[bitIndex] = 1;
  }
  return { ksn: aesKsn(initialKeyId, counter), registers, inUse };
}
