import {
  constants,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
  publicDecrypt,
} from "node:crypto";
import forge from "node-forge";
import { deriveTdesIpek } from "../protocol/crypto/dukpt/tdes-ipek.js";
import { TdesDukptTerminal } from "../protocol/crypto/dukpt/tdes-terminal.js";
import { macAnsiX919 } from "../protocol/crypto/mac.js";
import { unionPayEcbMac } from "../protocol/crypto/mac-unionpay-ecb.js";
import { encodePinBlock, encryptPinBlock } from "../protocol/crypto/pinblock/index.js";
import { fromHex, toHex } from "../protocol/hex.js";
import { isMain, opsPerSec, resultTable } from "./measure.js";
import type { BenchResult } from "./result.js";

/**
 * Per-operation cost of the terminal's hot crypto: our protocol/crypto functions (node:crypto
 * underneath) beside node-forge doing the same work in pure JS. Each pair is checked to give the same
 * answer before it is timed. Every operation builds its cipher afresh, as protocol/crypto does.
 */

/** Times both sides and states in the notes which is faster per operation, and by how much. */
function pair(
  operation: string,
  ours: () => unknown,
  theirs: () => unknown,
  ms: number,
  notes: { ours: string; forge: string },
): BenchResult[] {
  const a = opsPerSec(ours, ms);
  const b = opsPerSec(theirs, ms);
  const verdict =
    a >= b ? `node:crypto ${(a / b).toFixed(1)}x faster` : `node-forge ${(b / a).toFixed(1)}x faster`;
  return [
    { name: `${operation} (node:crypto)`, opsPerSec: a, note: `${verdict}; ${notes.ours}` },
    { name: `${operation} (node-forge)`, opsPerSec: b, note: notes.forge },
  ];
}

function same(what: string, ours: string, theirs: string): void {
  if (ours !== theirs) throw new Error(`bench ${what}: node-forge gives ${theirs}, protocol/crypto ${ours}`);
}

// ---- node-forge building blocks, all on forge's binary strings ------------------------------------

/**
 * forge processes every whole block in update(); finish() would only add (or strip) PKCS#7 padding,
 * which payment blocks never carry, so it is not called: inputs here are always block-aligned.
 */
function forgeBlock(algorithm: "DES-ECB" | "3DES-ECB", key: string, data: string, decrypt = false): string {
  const cipher = decrypt
    ? forge.cipher.createDecipher(algorithm, key)
    : forge.cipher.createCipher(algorithm, key);
  cipher.start({});
  cipher.update(forge.util.createBuffer(data));
  return cipher.output.getBytes();
}

function forgeDesCbc(key: string, data: string): string {
  const cipher = forge.cipher.createCipher("DES-CBC", key);
  cipher.start({ iv: "\0".repeat(8) });
  cipher.update(forge.util.createBuffer(data));
  return cipher.output.getBytes();
}

function xorString(a: string, b: string): string {
  let out = "";
  for (let i = 0; i < a.length; i++) out += String.fromCharCode(a.charCodeAt(i) ^ b.charCodeAt(i));
  return out;
}

const bin = (hex: string) => forge.util.hexToBytes(hex);
const hexOf = (bytes: string) => forge.util.bytesToHex(bytes).toUpperCase();

// ---- PIN block: ISO format 0 built, then 2-key TDES-ECB ------------------------------------------

const PIN = Buffer.from("1234");
const PAN = "4012345678909";
const PIN_KEY = fromHex("0123456789ABCDEFFEDCBA9876543210");

function benchPinBlock(ms: number): BenchResult[] {
  const spec = { format: 0, pan: PAN } as const;
  const ours = () => {
    const block = encryptPinBlock(PIN_KEY, PIN, spec);
    block.fill(0);
    return block;
  };
  // forge has no PIN blocks: the same format-0 build (our encoder), then forge's TDES (K1‖K2‖K1).
  const forgeKey = bin(toHex(Buffer.concat([PIN_KEY, PIN_KEY.subarray(0, 8)])));
  const theirs = () => {
    const clear = encodePinBlock(PIN, spec);
    const out = forgeBlock("3DES-ECB", forgeKey, clear.toString("latin1"));
    clear.fill(0);
    return out;
  };
  same("pinblock", toHex(encryptPinBlock(PIN_KEY, PIN, spec)), hexOf(theirs()));
  return pair("PIN block ISO-0 encipher, TDES", ours, theirs, ms, {
    ours: "encryptPinBlock: format-0 build + des-ede-ecb, cipher created per block",
    forge: "same format-0 build (our encoder), then forge 3DES-ECB with K1||K2||K1, cipher created per block",
  });
}

// ---- TDES DUKPT: the terminal's next transaction key ---------------------------------------------

const BDK = fromHex("0123456789ABCDEFFEDCBA9876543210");
const KSN = fromHex("FFFF9876543210E00000");
const KEY_MASK = bin("C0C0C0C000000000C0C0C0C000000000");
const MAX_ONE_BITS = 10;
const COUNTER_LIMIT = 0x1fffff;

function oneBits(n: number): number {
  let count = 0;
  for (let v = n; v !== 0; v &= v - 1) count++;
  return count;
}

/** X9.24-1 non-reversible key generation with forge single DES: the step each future key costs. */
function forgeNonReversibleKey(key: string, register: string): string {
  const half = (k: string) => {
    const right = k.slice(8);
    return xorString(forgeBlock("DES-ECB", k.slice(0, 8), xorString(register, right)), right);
  };
  return half(xorString(key, KEY_MASK)) + half(key);
}

/**
 * A port of protocol/crypto/dukpt/tdes-terminal.ts (X9.24-1:2009 A.2 "Request PIN Entry" + "New Key")
 * onto forge: 21 future key registers, register selection from the counter's lowest one-bit, New Key-3
 * for every bit below it, erase, counter advance with the ten-one-bit skip. LRCs are replaced by
 * null for erased registers (the same bookkeeping, cheaper than an LRC).
 */
class ForgeTdesDukptTerminal {
  private readonly futureKeys: (string | null)[] = new Array(21).fill(null);
  private readonly ksnRight: string;
  private counter = 0;

  constructor(ipek: string, ksn: Buffer) {
    const initial = Buffer.from(ksn);
    initial[7]! &= 0xe0;
    initial[8] = 0;
    initial[9] = 0;
    this.ksnRight = initial.subarray(2, 10).toString("latin1");
    this.fill(ipek, 0x100000);
    this.counter = 1;
  }

  private register(shift: number): string {
    const value = this.counter | shift;
    const prefix = this.ksnRight.slice(0, 5);
    const top = (this.ksnRight.charCodeAt(5) & 0xe0) | (value >>> 16);
    return prefix + String.fromCharCode(top, (value >>> 8) & 0xff, value & 0xff);
  }

  private fill(key: string, firstShift: number): void {
    for (let shift = firstShift; shift !== 0; shift >>>= 1) {
      this.futureKeys[20 - Math.log2(shift)] = forgeNonReversibleKey(key, this.register(shift));
    }
  }

  nextTransaction(): string {
    let counter = this.counter;
    let shift: number;
    let index: number;
    for (;;) {
      if (counter === 0) throw new Error("forge DUKPT exhausted");
      shift = (counter & -counter) >>> 0;
      index = 20 - Math.log2(shift);
      if (this.futureKeys[index] !== null) break;
      counter += shift;
      if (counter > COUNTER_LIMIT) counter = 0;
      this.counter = counter;
    }
    const key = this.futureKeys[index]!;
    let next: number;
    if (oneBits(counter) < MAX_ONE_BITS) {
      if (shift > 1) this.fill(key, shift >>> 1);
      next = counter + 1;
    } else {
      next = counter + shift;
    }
    this.futureKeys[index] = null;
    this.counter = next > COUNTER_LIMIT ? 0 : next;
    return key;
  }
}

/** Enough keys to pass counter 0x3FF, the first with ten one-bits, where the skip rule starts. */
const CHECKED_KEYS = 3_000;

function benchDukpt(ms: number): BenchResult[] {
  const ipek = deriveTdesIpek(BDK, KSN);
  const forgeIpek = bin(toHex(ipek));
  // Both engines run the same counter sequence from E00001; reloads (after ~1M keys) never happen in
  // a 1-2 s run but are handled anyway.
  let ours = TdesDukptTerminal.loadInitialKey(ipek, KSN);
  let theirs = new ForgeTdesDukptTerminal(forgeIpek, KSN);
  const check = TdesDukptTerminal.loadInitialKey(ipek, KSN);
  const checkForge = new ForgeTdesDukptTerminal(forgeIpek, KSN);
  for (let i = 0; i < CHECKED_KEYS; i++) {
    const { transactionKey } = check.nextTransaction();
    same(`dukpt key ${i + 1}`, toHex(transactionKey), hexOf(checkForge.nextTransaction()));
    if (i === 0) same("dukpt E00001", "042666B49184CFA368DE9628D0397BC9", toHex(transactionKey));
  }
  const ourStep = () => {
    if (ours.exhausted) ours = TdesDukptTerminal.loadInitialKey(ipek, KSN);
    const { transactionKey, ksn } = ours.nextTransaction();
    transactionKey.fill(0);
    return ksn;
  };
  const forgeStep = () => {
    try {
      return theirs.nextTransaction();
    } catch {
      theirs = new ForgeTdesDukptTerminal(forgeIpek, KSN);
      return theirs.nextTransaction();
    }
  };
  return pair("TDES DUKPT next transaction key (terminal)", ourStep, forgeStep, ms, {
    ours: "TdesDukptTerminal.nextTransaction; single DES runs as des-ede3 with K||K||K (OpenSSL 3 has no des-ecb)",
    forge:
      "port of the same terminal algorithm (21 future keys, New Key-3 per lower bit) on forge single DES; " +
      "first 3,000 keys (past the first ten-one-bit skip at 0x3FF) checked equal to ours",
  });
}

// ---- MACs over a 300-byte message ---------------------------------------------------------------

const MESSAGE = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff));
const MAC_KEY = fromHex("0123456789ABCDEFFEDCBA9876543210");
const MAK = fromHex("5BB5C72CD00B7338");

function forgeX919(key: string, data: string): string {
  const padded = data + "\0".repeat((8 - (data.length % 8)) % 8);
  const chain = forgeDesCbc(key.slice(0, 8), padded);
  const middle = forgeBlock("DES-ECB", key.slice(8), chain.slice(-8), true);
  return forgeBlock("DES-ECB", key.slice(0, 8), middle);
}

function forgeCupEcbMac(mak: string, mab: string): string {
  const r = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < mab.length; i++) r[i % 8]! ^= mab.charCodeAt(i);
  const expanded = hexOf(String.fromCharCode(...r));
  const e1 = forgeBlock("DES-ECB", mak, expanded.slice(0, 8));
  const e2 = forgeBlock("DES-ECB", mak, xorString(e1, expanded.slice(8)));
  return hexOf(e2).slice(0, 8);
}

function benchMacs(ms: number): BenchResult[] {
  const message = MESSAGE.toString("latin1");
  const key = bin(toHex(MAC_KEY));
  const mak = bin(toHex(MAK));
  same("x9.19", toHex(macAnsiX919(MAC_KEY, MESSAGE)), hexOf(forgeX919(key, message)));
  same("cup-ecb", unionPayEcbMac(MAK, MESSAGE).toString("ascii"), forgeCupEcbMac(mak, message));
  return [
    ...pair(
      "X9.19 retail MAC, 300 bytes",
      () => macAnsiX919(MAC_KEY, MESSAGE),
      () => forgeX919(key, message),
      ms,
      {
        ours: "macAnsiX919: DES-CBC (as des-ede3-cbc, K||K||K) over 38 blocks in one native call, then D(K')/E(K)",
        forge: "forge DES-CBC over 38 blocks, then DES-ECB decrypt/encrypt of the last block",
      },
    ),
    ...pair(
      "CUP POS ECB MAC, 300 bytes",
      () => unionPayEcbMac(MAK, MESSAGE),
      () => forgeCupEcbMac(mak, message),
      ms,
      {
        ours: "unionPayEcbMac, 8-byte MAK (003 sign-in layout): JS XOR of 38 blocks + 2 native DES blocks",
        forge: "same XOR and hex expansion on binary strings + 2 forge DES-ECB blocks",
      },
    ),
  ];
}

// ---- RSA: recovery of a 1984-bit issuer/ICC certificate, e = 3 ------------------------------------

function benchRsa(ms: number): BenchResult[] {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 1984, publicExponent: 3 });
  const jwk = publicKey.export({ format: "jwk" });
  const modulus = Buffer.from(jwk.n!, "base64url");
  if (modulus.length !== 248) throw new Error(`bench rsa: modulus is ${modulus.length} bytes`);
  // A recovered certificate: header 6A, format and data, trailer BC; the "card" signs it raw.
  const recovered = Buffer.alloc(248, 0x5a);
  recovered[0] = 0x6a;
  recovered[1] = 0x02;
  recovered[247] = 0xbc;
  const certificate = privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, recovered);
  const key: KeyObject = createPublicKey({ key: jwk, format: "jwk" });
  const forgeKey = forge.pki.setRsaPublicKey(
    new forge.jsbn.BigInteger(modulus.toString("hex"), 16),
    new forge.jsbn.BigInteger("3", 10),
  );
  const certificateBytes = certificate.toString("latin1");
  const ours = () => publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, certificate);
  const theirs = () => forgeKey.encrypt(certificateBytes, "RAW");
  same("rsa", toHex(recovered), toHex(ours()));
  same("rsa forge", toHex(recovered), hexOf(theirs()));
  return pair("RSA-1984 e=3 certificate recovery", ours, theirs, ms, {
    ours: "publicDecrypt RSA_NO_PADDING on a KeyObject built once",
    forge: 'forge publicKey.encrypt(bytes, "RAW"), key converted from n/e',
  });
}

/** Every crypto figure; `ms` is the time spent per measurement (two per operation). */
export async function benchCrypto(ms = 1_000): Promise<BenchResult[]> {
  return [...benchPinBlock(ms), ...benchDukpt(ms), ...benchMacs(ms), ...benchRsa(ms)];
}

if (isMain(import.meta.url)) {
  process.stdout.write(`${resultTable(await benchCrypto())}\n`);
}
