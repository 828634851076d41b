import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../../protocol/errors.js";
import { cupSpec } from "../../../protocol/iso8583/cup/spec.js";
import { Iso8583Error } from "../../../protocol/iso8583/errors.js";
import { compileSpec, pack, unpack, unpackWithLayout } from "../../../protocol/iso8583/message.js";
import type { MessageSpec } from "../../../protocol/iso8583/spec.js";

const hex = (b: Buffer) => b.toString("hex").toUpperCase();
const bytes = (h: string) => Buffer.from(h.replace(/\s|\|/g, ""), "hex");

// jsPOS 0800 sign-in, hand-split: MTI | bitmap | 11 | 41 | 42 | 60 | 63
const SIGN_IN =
  "0800 | 0020000000C00012 | 000105 | 3030303030373634 | 313131303030303031313131303032 | 0011 000000010030 | 0003 303031";

describe("pack / unpack", () => {
  it("decodes a hand-split message and packs it back", () => {
    const message = unpack(cupSpec, bytes(SIGN_IN));
    expect(message).toEqual({
      mti: "0800",
      fields: { 11: "000105", 41: "00000764", 42: "111000001111002", 60: "00000001003", 63: "001" },
    });
    expect(hex(pack(cupSpec, message))).toBe(hex(bytes(SIGN_IN)));
  });

  it("pads fixed fields: amounts left with zeros, an/ans right with spaces", () => {
    const packed = pack(cupSpec, { mti: "0200", fields: { 4: "1", 41: "T1", 38: "AB" } });
    expect(unpack(cupSpec, packed).fields).toEqual({ 4: "000000000001", 38: "AB    ", 41: "T1      " });
  });

  it("reports layout offsets", () => {
    const { layout } = unpackWithLayout(cupSpec, bytes(SIGN_IN));
    expect(layout.map((l) => [l.field, l.offset, l.length, l.prefixLength])).toEqual([
      [0, 0, 2, 0],
      [1, 2, 8, 0],
      [11, 10, 3, 0],
      [41, 13, 8, 0],
      [42, 21, 15, 0],
      [60, 36, 8, 2],
      [63, 44, 5, 2],
    ]);
  });

  it("errors are Iso8583Error (a ProtocolError) with path and offset", () => {
    const short = bytes(SIGN_IN).subarray(0, 40);
    try {
      unpack(cupSpec, short);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Iso8583Error);
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Iso8583Error).path).toBe("field 60");
      expect((error as Iso8583Error).offset).toBe(38);
      expect((error as Error).message).toMatch(/short frame/);
    }
  });

  const cases: [string, () => unknown, RegExp][] = [
    [
      "value too long",
      () => pack(cupSpec, { mti: "0200", fields: { 2: "1".repeat(20) } }),
      /field 2: value too long: 20 > max 19/,
    ],
    [
      "fixed value too long",
      () => pack(cupSpec, { mti: "0200", fields: { 3: "0000000" } }),
      /field 3: value too long/,
    ],
    [
      "left-aligned fixed too short",
      () => pack(cupSpec, { mti: "0200", fields: { 22: "02" } }),
      /field 22: value too short/,
    ],
    [
      "wrong characters",
      () => pack(cupSpec, { mti: "0200", fields: { 4: "12X" } }),
      /field 4, offset \d+: character "X"/,
    ],
    ["wrong characters in an", () => pack(cupSpec, { mti: "0200", fields: { 39: "0!" } }), /field 39/],
    [
      "field not in spec",
      () => pack(cupSpec, { mti: "0200", fields: { 5: "1" } }),
      /field 5: field not in spec/,
    ],
    ["bit 1 as a field", () => pack(cupSpec, { mti: "0200", fields: { 1: "1" } }), /secondary bitmap/],
    ["bad MTI", () => pack(cupSpec, { mti: "02A0", fields: {} }), /mti: MTI must be 4 digits/],
    ["odd hex", () => pack(cupSpec, { mti: "0200", fields: { 52: "ABC" } }), /field 52: odd number/],
    [
      "non-string value",
      () => pack(cupSpec, { mti: "0200", fields: { 11: 5 as unknown as string } }),
      /field 11: value must be a string/,
    ],
    [
      "trailing bytes",
      () => unpack(cupSpec, bytes(`${SIGN_IN} 00`)),
      /message, offset 49: trailing bytes: 1/,
    ],
    ["short frame", () => unpack(cupSpec, bytes("0800 0020")), /bitmap, offset 2: short frame/],
    ["short MTI", () => unpack(cupSpec, bytes("08")), /mti, offset 0: short frame/],
    [
      "bad BCD nibble",
      () => unpack(cupSpec, bytes("0800 0020000000000000 00A105")),
      /field 11, offset 11: bad BCD nibble/,
    ],
    [
      "prefix exceeds max",
      () => unpack(cupSpec, bytes("0800 0000000000000010 0018 00")),
      /field 60, offset 10: length prefix 18 exceeds max 17/,
    ],
    [
      "prefix longer than the body",
      () => unpack(cupSpec, bytes("0800 0000000000000010 0011 0000")),
      /field 60, offset 12: short frame: value needs 6 bytes, 2 left/,
    ],
    [
      "bad prefix nibble",
      () => unpack(cupSpec, bytes("0800 0000000000000010 1011")),
      /field 60, offset 10: bad BCD nibble/,
    ],
    [
      "field in bitmap not in spec",
      () => unpack(cupSpec, bytes("0800 0800000000000000 00")),
      /field 5, offset 2: present in bitmap but not in spec/,
    ],
    [
      "empty secondary bitmap",
      () => unpack(cupSpec, bytes("0800 80000000000000000000000000000000")),
      /bitmap, offset 10: secondary bitmap announced/,
    ],
  ];
  for (const [name, run, message] of cases) {
    it(`refuses: ${name}`, () => {
      expect(run).toThrow(Iso8583Error);
      expect(run).toThrow(message);
    });
  }
});

describe("pluggable engine pieces", () => {
  const asciiSpec: MessageSpec = {
    name: "ascii test",
    mti: "ascii",
    prefix: "ascii",
    fields: {
      2: { name: "PAN", format: "n", kind: "LL", length: 19, encoding: "ascii" },
      3: { name: "Processing code", format: "n", kind: "fixed", length: 6, encoding: "ascii" },
      48: { name: "Binary-prefixed", format: "b", kind: "LLL", length: 300, prefix: "binary" },
      70: { name: "Network code", format: "n", kind: "fixed", length: 3 },
      100: { name: "Bytes-counted n", format: "n", kind: "LL", length: 5, unit: "bytes" },
    },
  };

  it("ASCII MTI, ASCII prefixes, binary prefix, secondary bitmap, byte-counted n", () => {
    const message = {
      mti: "0800",
      fields: { 2: "4111111111111111", 3: "000000", 48: "ABCD", 70: "301", 100: "1234" },
    };
    const packed = pack(asciiSpec, message);
    expect(hex(packed)).toBe(
      [
        "30383030", // MTI "0800"
        "E0000000000100000400000010000000", // bitmap: 1, 2, 3, 48 | 70 (0x04), 100 (byte 4, 0x10)
        "3136",
        "34313131313131313131313131313131", // 2: "16" + ASCII digits
        "303030303030", // 3
        "0002ABCD", // 48: binary LLL = 2 bytes
        "0301", // 70: BCD right-aligned
        "3032" + "1234", // 100: ASCII LL "02" counting bytes, BCD body
      ].join(""),
    );
    expect(unpack(asciiSpec, packed)).toEqual(message);
  });

  it("compiles each spec once", () => {
    expect(compileSpec(asciiSpec)).toBe(compileSpec(asciiSpec));
  });

  it("refuses a spec whose max length does not fit its prefix", () => {
    const bad: MessageSpec = {
      name: "bad",
      mti: "bcd",
      prefix: "bcd",
      fields: { 2: { name: "x", format: "n", kind: "LL", length: 120 } },
    };
    expect(() => compileSpec(bad)).toThrow(/field 2: max length 120 does not fit a LL prefix/);
  });
});

describe("field keys", () => {
  it("refuses non-canonical keys that would alias a field", () => {
    for (const key of ["060", "6e1", "60.0", " 60", "1e1", "-1"]) {
      expect(() =>
        pack(cupSpec, { mti: "0800", fields: { [key]: "00" } as unknown as Record<number, string> }),
      ).toThrow(/field not in spec/);
    }
  });
});
