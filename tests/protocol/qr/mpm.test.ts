import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildMpm,
  crc16CcittFalse,
  crc16Hex,
  joinObjects,
  type MpmInput,
  mpmAmountFromFen,
  mpmAmountToFen,
  parseMpm,
  QrError,
} from "../../../protocol/qr/index.js";
import { loadVectors } from "../../support/vectors.js";

interface Vector {
  name: string;
  payload: string;
  expect: Record<string, unknown>;
}
const vectors = loadVectors<Vector[]>("emv-public.json");
const vector = (name: string) => vectors.find((v) => v.name === name)!;

function qrErrorOf(fn: () => unknown): QrError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(QrError);
    return error as QrError;
  }
  throw new Error("expected a QrError");
}

describe("CRC-16/CCITT-FALSE", () => {
  it("gives the standard check value", () => {
    const v = vector("crc16-ccitt-false-check");
    expect(crc16Hex(v.payload)).toBe((v.expect as { crc: string }).crc);
    expect(crc16CcittFalse(Buffer.from("123456789"))).toBe(0x29b1);
    expect(crc16Hex("")).toBe("FFFF");
  });
});

describe("parseMpm on the public vectors", () => {
  it("decodes the EMVCo spec sample (character lengths, nested 62/64, CRC A13A)", () => {
    const v = vector("emvco-mpm-qr-spec-sample");
    const qr = parseMpm(v.payload);
    expect(qr.crc).toBe("A13A");
    expect(qr.initiation).toBe("dynamic");
    expect(qr.mcc).toBe("4111");
    expect(qr.currency).toBe("156");
    expect(qr.amount).toBe("23.72");
    expect(qr.tip).toEqual({ indicator: "prompt" });
    expect(qr.country).toBe("CN");
    expect(qr.merchantName).toBe("BEST TRANSPORT");
    expect(qr.merchantCity).toBe("BEIJING");
    expect(qr.language).toEqual({ preference: "ZH", name: "最佳运输", city: "北京" });
    expect(qr.additional).toEqual({ "03": "1234", "06": "***", "07": "A6008667", "09": "ME" });
    expect(qr.merchantAccounts.map((a) => [a.id, a.guid])).toEqual([
      ["29", "D15600000000"],
      ["31", "D15600000001"],
    ]);
    expect(qr.merchantAccounts[0]!.fields).toEqual({ "05": "A93FO3230Q" });
    expect(qr.unreserved).toEqual([
      {
        id: "91",
        value: "0016A011223344998877070812345678",
        guid: "A011223344998877",
        fields: { "07": "12345678" },
      },
    ]);
    const ids = (v.expect as { ids: Record<string, string> }).ids;
    for (const object of qr.objects) {
      if (ids[object.id] !== undefined && object.id !== "01") expect(object.value).toBe(ids[object.id]);
    }
  });

  it("decodes the tag-15 UnionPay slot sample (CRC 3FE6)", () => {
    const v = vector("mpm-qr-tag15-unionpay-slot");
    const qr = parseMpm(v.payload);
    expect(qr.crc).toBe("3FE6");
    expect(qr.merchantAccounts).toEqual([{ id: "15", value: "ABCDEF1234567890" }]);
    expect(qr.amount).toBe("999");
    expect(qr.currency).toBe("392");
    expect(qr.additional).toEqual({ "01": "hoge", "05": "fuga", "07": "piyo" });
  });

  it("re-encodes both vectors to the same text, and rebuilds the same typed values", () => {
    for (const name of ["emvco-mpm-qr-spec-sample", "mpm-qr-tag15-unionpay-slot"]) {
      const v = vector(name);
      const qr = parseMpm(v.payload);
      expect(joinObjects(qr.objects)).toBe(v.payload);
      const rebuilt = buildMpm({
        ...(qr.initiation ? { initiation: qr.initiation } : {}),
        merchantAccounts: qr.merchantAccounts.map((a) =>
          a.guid === undefined ? { id: a.id, value: a.value } : a,
        ),
        unreserved: qr.unreserved,
        mcc: qr.mcc,
        currency: qr.currency,
        ...(qr.amount ? { amount: qr.amount } : {}),
        ...(qr.tip ? { tip: qr.tip } : {}),
        country: qr.country,
        merchantName: qr.merchantName,
        merchantCity: qr.merchantCity,
        ...(qr.additional ? { additional: qr.additional } : {}),
        ...(qr.language ? { language: qr.language } : {}),
      });
      const again = parseMpm(rebuilt);
      const { objects: _a, crc: _b, ...typed } = qr;
      const { objects: _c, crc: _d, ...typedAgain } = again;
      expect(typedAgain).toEqual(typed);
    }
  });
});

describe("parseMpm errors name the ID and position", () => {
  const sample = vector("emvco-mpm-qr-spec-sample").payload;
  const reCrc = (body: string) => `${body}6304${crc16Hex(`${body}6304`)}`;
  const parts = [
    "000201",
    "010211",
    "0216ABCDEF1234567890",
    "52045812",
    "5303156",
    "5802CN",
    "5904SHOP",
    "6007BEIJING",
  ];
  const base = parts.join("");

  it("rejects a wrong CRC", () => {
    const bad = `${sample.slice(0, -4)}A13B`;
    const e = qrErrorOf(() => parseMpm(bad));
    expect(e.path).toBe("ID 63");
    expect(e.message).toContain("computed A13A");
  });

  it("accepts a minimal valid payload and rejects each missing mandatory ID", () => {
    expect(parseMpm(reCrc(base)).merchantName).toBe("SHOP");
    for (const id of ["52", "53", "58", "59", "60"]) {
      const without = parts.filter((p) => !p.startsWith(id)).join("");
      expect(qrErrorOf(() => parseMpm(reCrc(without))).path).toBe(`ID ${id}`);
    }
    const noAccount = base.replace("0216ABCDEF1234567890", "");
    expect(qrErrorOf(() => parseMpm(reCrc(noAccount))).path).toBe("ID 02..51");
  });

  it("rejects format indicator not first, CRC not last, duplicates and bad values", () => {
    expect(qrErrorOf(() => parseMpm(reCrc(`010211000201${base.slice(12)}`))).path).toBe("ID 00");
    expect(qrErrorOf(() => parseMpm(`${reCrc(base)}6102XY`)).path).toBe("ID 63");
    expect(qrErrorOf(() => parseMpm(reCrc(`${base}5902XY`))).path).toBe("ID 59");
    const e = qrErrorOf(() => parseMpm(reCrc(base.replace("5303156", "5303CNY"))));
    expect(e.path).toBe("ID 53");
    expect(e.offset).toBe(base.indexOf("5303156") + 4);
    expect(qrErrorOf(() => parseMpm(reCrc(base.replace("010211", "010213")))).path).toBe("ID 01");
    expect(qrErrorOf(() => parseMpm(reCrc(`${base}54041,00`))).path).toBe("ID 54");
    expect(qrErrorOf(() => parseMpm(reCrc(`${base}550202`))).path).toBe("ID 55");
    expect(qrErrorOf(() => parseMpm(reCrc(`${base}62060399ab`))).path).toBe("ID 62.03");
    expect(qrErrorOf(() => parseMpm(reCrc(`${base}26090105ABCDE`))).path).toBe("ID 26.00");
    expect(qrErrorOf(() => parseMpm(reCrc(`${base}64060002ZH`))).path).toBe("ID 64.01");
  });

  it("reports truncation with the ID and the character position", () => {
    const e = qrErrorOf(() => parseMpm(sample.slice(0, 50)));
    expect(e.path).toMatch(/^ID \d{2}/);
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThan(50);
  });
});

describe("buildMpm", () => {
  const input: MpmInput = {
    initiation: "dynamic",
    merchantAccounts: [
      { id: "15", value: "6229010000000001234" },
      { id: "26", guid: "A000000333", fields: { "01": "898310048990001" } },
    ],
    mcc: "5812",
    currency: "156",
    amount: mpmAmountFromFen(2372),
    country: "CN",
    merchantName: "TEST SHOP",
    merchantCity: "SHANGHAI",
    additional: { "05": "000123456789", "07": "10000001" },
    language: { preference: "ZH", name: "测试商户", city: "上海" },
  };

  it("puts 00 first, IDs in order, 6304 + CRC last, and parses back", () => {
    const payload = buildMpm(input);
    expect(payload.startsWith("00020101021215196229010000000001234")).toBe(true);
    expect(payload).toMatch(/6304[0-9A-F]{4}$/);
    const qr = parseMpm(payload);
    expect(qr.amount).toBe("23.72");
    expect(mpmAmountToFen(qr.amount!)).toBe(2372);
    expect(qr.language?.name).toBe("测试商户");
    expect(qr.merchantAccounts[1]).toMatchObject({ guid: "A000000333", fields: { "01": "898310048990001" } });
  });

  it("refuses values that cannot be encoded or would not validate", () => {
    expect(() => buildMpm({ ...input, merchantName: "x".repeat(26) })).toThrow(QrError);
    expect(() => buildMpm({ ...input, merchantAccounts: [{ id: "15", value: "y".repeat(100) }] })).toThrow(
      QrError,
    );
    expect(() => buildMpm({ ...input, merchantAccounts: [] })).toThrow(QrError);
    expect(() => mpmAmountFromFen(-1)).toThrow(QrError);
    expect(() => mpmAmountToFen("1.234")).toThrow(QrError);
    expect(mpmAmountFromFen(5)).toBe("0.05");
    expect(mpmAmountToFen("10.5")).toBe(1050);
  });

  it("round-trips generated merchants (property)", () => {
    const text = (max: number) =>
      fc.string({
        unit: fc.constantFrom(..."ABCXYZ abc019测试商户北京-".split("")),
        minLength: 1,
        maxLength: max,
      });
    fc.assert(
      fc.property(
        text(25),
        text(15),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.constantFrom<"static" | "dynamic">("static", "dynamic"),
        fc.option(text(25), { nil: undefined }),
        (name, city, fen, initiation, reference) => {
          const built = buildMpm({
            ...input,
            merchantName: name,
            merchantCity: city,
            amount: mpmAmountFromFen(fen),
            initiation,
            ...(reference ? { additional: { "05": reference } } : { additional: undefined }),
          } as MpmInput);
          const qr = parseMpm(built);
          return (
            qr.merchantName === name &&
            qr.merchantCity === city &&
            mpmAmountToFen(qr.amount!) === fen &&
            qr.initiation === initiation &&
            qr.additional?.["05"] === reference
          );
        },
      ),
      { seed: 0x51a7, numRuns: 300 },
    );
  });
});

describe("parseMpm fuzz", () => {
  const sample = vector("emvco-mpm-qr-spec-sample").payload;
  it("only ever throws QrError on random text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (text) => {
        try {
          parseMpm(text);
        } catch (error) {
          return error instanceof QrError;
        }
        return true;
      }),
      { seed: 6304, numRuns: 2000 },
    );
  });

  it("only ever throws QrError on truncated and mutated samples", () => {
    const chars = Array.from(sample);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: chars.length }),
        fc.integer({ min: 0, max: chars.length - 1 }),
        fc.constantFrom("0", "9", "A", "最", ""),
        (cut, at, replacement) => {
          const mutated = [...chars.slice(0, at), replacement, ...chars.slice(at + 1)].slice(0, cut).join("");
          try {
            parseMpm(mutated);
          } catch (error) {
            return error instanceof QrError;
          }
          return true;
        },
      ),
      { seed: 0xa13a, numRuns: 2000 },
    );
  });
});
