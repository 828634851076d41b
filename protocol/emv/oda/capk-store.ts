import { toHex } from "../../hex.js";
import type { OdaMethod } from "../aip.js";
import { EmvDataError } from "../emv-error.js";
import { certificateExpired, sha1, type TransactionDate, transactionMonth } from "./cert-checks.js";
import { OdaError } from "./oda-error.js";

/** One certification authority public key as the terminal stores it. */
export interface Capk {
  /** Registered application provider identifier, 5 bytes (uppercase hex). */
  rid: string;
  /** CA public key index (8F), uppercase hex byte. */
  index: string;
  modulus: Buffer;
  exponent: Buffer;
  /** Expiry as given in the parameter file (YYYYMMDD, YYMMDD or MMYY digits). */
  expiry: string;
  /** SHA-1(RID ‖ index ‖ modulus ‖ exponent). */
  hash: Buffer;
}

/** The JSON form: `[{rid, index, modulus, exponent, expiry, hash?}]`, all hex except expiry digits. */
export interface CapkJson {
  rid: string;
  index: string | number;
  modulus: string;
  exponent: string;
  expiry: string;
  hash?: string;
}

/** SHA-1 over RID ‖ index ‖ modulus ‖ exponent: the CAPK checksum of EMV Book 2 §11.2. */
export function capkHash(rid: Buffer, index: number, modulus: Buffer, exponent: Buffer): Buffer {
  return sha1(rid, Buffer.from([index]), modulus, exponent);
}

/**
 * The terminal's CAPK table, keyed by RID + index. Entries are checked on load: hex, sizes, exponent
 * 03 or 010001, and the checksum when one is given. A wrong checksum rejects the load — a corrupted key
 * would otherwise fail every card silently.
 */
export class CapkStore {
  private readonly keys = new Map<string, Capk>();

  constructor(entries: readonly CapkJson[] = []) {
    for (const [i, entry] of entries.entries()) this.add(entry, `CAPK ${i + 1}`);
  }

  /** Loads the JSON text or an already parsed array. */
  static fromJson(json: string | unknown): CapkStore {
    let data: unknown = json;
    if (typeof json === "string") {
      try {
        data = JSON.parse(json);
      } catch (error) {
        throw new EmvDataError(`CAPK file is not JSON: ${(error as Error).message}`, { path: "CAPK file" });
      }
    }
    if (!Array.isArray(data)) throw new EmvDataError("CAPK file must be a JSON array", { path: "CAPK file" });
    return new CapkStore(data as CapkJson[]);
  }

  add(entry: CapkJson, path = "CAPK"): Capk {
    if (typeof entry !== "object" || entry === null)
      throw new EmvDataError("entry is not an object", { path });
    const rid = hexField(entry.rid, `${path}.rid`);
    if (rid.length !== 5)
      throw new EmvDataError(`RID is ${rid.length} bytes, must be 5`, { path: `${path}.rid` });
    const index = capkIndex(entry.index, `${path}.index`);
    if (index === undefined || !Number.isInteger(index) || index < 0 || index > 0xff) {
      throw new EmvDataError("index must be one byte", { path: `${path}.index` });
    }
    const modulus = hexField(entry.modulus, `${path}.modulus`);
    if (modulus.length < 64 || modulus.length > 248 || modulus[0] === 0) {
      throw new EmvDataError(`modulus of ${modulus.length} bytes is not an EMV CA key`, {
        path: `${path}.modulus`,
      });
    }
    const exponent = hexField(entry.exponent, `${path}.exponent`);
    if (!["03", "010001"].includes(toHex(exponent))) {
      throw new EmvDataError(`exponent ${toHex(exponent)} is not 03 or 010001`, { path: `${path}.exponent` });
    }
    if (typeof entry.expiry !== "string" || !/^(\d{4}|\d{6}|\d{8})$/.test(entry.expiry)) {
      throw new EmvDataError("expiry must be 4, 6 or 8 digits", { path: `${path}.expiry` });
    }
    const hash = capkHash(rid, index, modulus, exponent);
    if (entry.hash !== undefined) {
      const given = hexField(entry.hash, `${path}.hash`);
      if (!given.equals(hash)) {
        throw new EmvDataError(`checksum ${toHex(given)} does not match ${toHex(hash)}`, {
          path: `${path}.hash`,
        });
      }
    }
    const capk: Capk = {
      rid: toHex(rid),
      index: toHex(Buffer.from([index])),
      modulus,
      exponent,
      expiry: entry.expiry,
      hash,
    };
    this.keys.set(key(capk.rid, index), capk);
    return capk;
  }

  /** The key for RID + 8F, or undefined. */
  get(rid: string | Buffer, index: number | string | Buffer): Capk | undefined {
    const ridHex = typeof rid === "string" ? rid.toUpperCase() : toHex(rid.subarray(0, 5));
    const idx =
      typeof index === "number" ? index : typeof index === "string" ? Number.parseInt(index, 16) : index[0];
    if (idx === undefined || Number.isNaN(idx)) return undefined;
    return this.keys.get(key(ridHex.slice(0, 10), idx));
  }

  /**
   * The key for an ODA: RID (first 5 bytes of the AID) + 8F, or an OdaError "ca-key-missing" when the
   * card gave no 8F or the terminal has no such key. The kernel sets the method's failed bit.
   */
  require(aid: Buffer, index8F: Buffer | undefined, method: OdaMethod, now?: TransactionDate): Capk {
    if (index8F === undefined || index8F.length !== 1) {
      throw new OdaError("icc-data-missing", method, "CA public key index (8F) absent", { path: "tag 8F" });
    }
    const capk = aid.length >= 5 ? this.get(aid.subarray(0, 5), index8F[0]!) : undefined;
    if (capk === undefined) {
      throw new OdaError("ca-key-missing", method, `no CA public key ${toHex(index8F)} for this RID`, {
        path: "tag 8F",
      });
    }
    // An expired CA key is treated as absent (Book 2 §11.2.2: the terminal stops using it after expiry).
    if (now !== undefined && capkExpired(capk, now)) {
      throw new OdaError("ca-key-missing", method, `CA public key ${toHex(index8F)} expired ${capk.expiry}`, {
        path: "tag 8F",
      });
    }
    return capk;
  }

  list(): Capk[] {
    return [...this.keys.values()];
  }

  get size(): number {
    return this.keys.size;
  }
}

/**
 * Whether the CAPK's expiry (YYYYMMDD, YYMMDD, or MMYY = end of that month) is before the transaction
 * date. A key is valid through its expiry day.
 */
export function capkExpired(capk: Pick<Capk, "expiry">, now: TransactionDate): boolean {
  const today = transactionDay(now);
  const e = capk.expiry;
  if (e.length === 4) {
    const mmyy = Buffer.from(e, "hex");
    return certificateExpired(mmyy, now) ?? true;
  }
  const full = e.length === 8 ? e : `${Number(e.slice(0, 2)) < 50 ? "20" : "19"}${e}`;
  return today === undefined || Number(full) < today;
}

/** YYYYMMDD as a number, or undefined when a 9A value is not a date. */
function transactionDay(now: TransactionDate): number | undefined {
  if (now instanceof Date) {
    if (Number.isNaN(now.getTime())) return undefined;
    return now.getUTCFullYear() * 10000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate();
  }
  if (transactionMonth(now) === undefined) return undefined;
  const yymmdd = now.toString("hex");
  const yy = Number(yymmdd.slice(0, 2));
  return (yy < 50 ? 2000 + yy : 1900 + yy) * 10000 + Number(yymmdd.slice(2));
}

/** The index as a number: a JSON number, or exactly one hex byte. */
function capkIndex(value: unknown, path: string): number | undefined {
  if (typeof value === "number") return value;
  const bytes = hexField(value, path);
  return bytes.length === 1 ? bytes[0] : undefined;
}

function key(ridHex: string, index: number): string {
  return `${ridHex}:${index}`;
}

function hexField(value: unknown, path: string): Buffer {
  if (typeof value !== "string" || !/^([0-9a-fA-F]{2})+$/.test(value)) {
    throw new EmvDataError("must be non-empty hex with an even number of digits", { path });
  }
  return Buffer.from(value, "hex");
}
