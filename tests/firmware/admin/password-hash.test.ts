import { describe, expect, it } from "vitest";
import {
  AdminError,
  checkScryptParams,
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  verifyPassword,
} from "../../../firmware/admin/index.js";

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const digits = (text: string) => Buffer.from(text, "ascii");

describe("password hashing (scrypt)", () => {
  it("stores its parameters with the hash and verifies with them", async () => {
    const stored = await hashPassword(digits("246810"), FAST);
    expect(stored).toMatchObject({ algorithm: "scrypt", N: 1024, r: 8, p: 1 });
    expect(Buffer.from(stored.salt, "base64")).toHaveLength(16);
    expect(Buffer.from(stored.hash, "base64")).toHaveLength(32);
    const roundTrip = JSON.parse(JSON.stringify(stored));
    expect(await verifyPassword(digits("246810"), roundTrip)).toBe(true);
    expect(await verifyPassword(digits("246811"), roundTrip)).toBe(false);
    expect(await verifyPassword(digits("24681"), roundTrip)).toBe(false);
  });

  it("salts every hash afresh", async () => {
    const a = await hashPassword(digits("246810"), FAST);
    const b = await hashPassword(digits("246810"), FAST);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
  });

  it("uses N=2^15, r=8, p=1 by default and verifies with the real parameters", async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 32768, r: 8, p: 1 });
    const stored = await hashPassword(digits("135790"));
    expect(stored).toMatchObject({ N: 32768, r: 8, p: 1 });
    expect(await verifyPassword(digits("135790"), stored)).toBe(true);
  });

  it("flags hashes made under other parameters for re-hashing", async () => {
    const stored = await hashPassword(digits("246810"), FAST);
    expect(needsRehash(stored, FAST)).toBe(false);
    expect(needsRehash(stored, DEFAULT_SCRYPT)).toBe(true);
  });

  it("refuses parameters a tampered file could use to exhaust memory", () => {
    expect(() => checkScryptParams({ N: 2 ** 24, r: 8, p: 1 })).toThrow(AdminError);
    expect(() => checkScryptParams({ N: 1000, r: 8, p: 1 })).toThrow(/power of two/);
    expect(() => checkScryptParams({ N: 1024, r: 0, p: 1 })).toThrow(/r must be/);
    expect(() => checkScryptParams({ N: 1024, r: 8, p: 99 })).toThrow(/p must be/);
  });
});
