import { createRequire } from "node:module";
import { packFrame, unpackFrame } from "../protocol/iso8583/cup/frame.js";
import { headerFromDigits } from "../protocol/iso8583/cup/header.js";
import { cupSpec } from "../protocol/iso8583/cup/spec.js";
import { compileSpec, pack, unpack } from "../protocol/iso8583/message.js";
import type { Iso8583Message } from "../protocol/iso8583/spec.js";
import { bytesPerOp, type Gc, getGc, isMain, opsPerSec, resultTable } from "./measure.js";
import type { BenchResult } from "./result.js";

/**
 * ISO 8583 throughput: pack and unpack of a realistic CUP IC sale 0200 (field 55 with 25 tags)
 * and its 0210, messages per second on one core and bytes allocated per message, beside the npm
 * `iso_8583` package on the closest message it can express.
 */

const tlv = (tag: string, value: string) =>
  `${tag}${(value.length / 2).toString(16).toUpperCase().padStart(2, "0")}${value}`;

/** A contact IC sale's field 55 as CUP terminals send it: 25 tags, 148 bytes. */
const FIELD55_REQUEST = [
  tlv("9F26", "4F6B8D40197BE753"),
  tlv("9F27", "80"),
  tlv("9F10", "07010103A0A802010A010000000000D7C5E2A3"),
  tlv("9F37", "9A1F3C55"),
  tlv("9F36", "0123"),
  tlv("95", "0000046000"),
  tlv("9A", "250721"),
  tlv("9C", "00"),
  tlv("9F02", "000000010000"),
  tlv("5F2A", "0156"),
  tlv("82", "7C00"),
  tlv("9F1A", "0156"),
  tlv("9F03", "000000000000"),
  tlv("9F33", "E0E1C8"),
  tlv("9F34", "420300"),
  tlv("9F35", "22"),
  tlv("9F1E", "3132333435363738"),
  tlv("84", "A000000333010101"),
  tlv("9F09", "0020"),
  tlv("9F41", "00000125"),
  tlv("9F63", "30313032303030300000000000000000"),
  tlv("5F34", "01"),
  tlv("9F74", "454343303031"),
  tlv("DF31", "0000000000"),
  tlv("9F06", "A000000333010101"),
].join("");

const FIELD55_RESPONSE = [
  tlv("91", "8A023030A1B2C3D4E5F6"),
  tlv("9F36", "0123"),
  tlv("72", tlv("9F18", "00000001")),
].join("");

export const SALE_0200: Iso8583Message = {
  mti: "0200",
  fields: {
    2: "6217001234567890123",
    3: "000000",
    4: "000000010000",
    11: "000125",
    14: "2912",
    22: "051",
    23: "001",
    25: "00",
    26: "06",
    35: "6217001234567890123D29122200000000000",
    41: "12345678",
    42: "123456789012345",
    49: "156",
    52: "0123456789ABCDEF",
    53: "2600000000000000",
    55: FIELD55_REQUEST,
    60: "22000001000500",
    64: "4233413039324145",
  },
};

export const SALE_0210: Iso8583Message = {
  mti: "0210",
  fields: {
    2: "6217001234567890123",
    3: "000000",
    4: "000000010000",
    11: "000125",
    12: "103015",
    13: "0721",
    14: "2912",
    15: "0721",
    22: "051",
    23: "001",
    25: "00",
    32: "48520000",
    37: "103015123456",
    38: "A1B2C3",
    39: "00",
    41: "12345678",
    42: "123456789012345",
    44: "03080000   48520000   ",
    49: "156",
    55: FIELD55_RESPONSE,
    60: "22000001000500",
    63: "CUP",
    64: "3132333435363738",
  },
};

interface IsoPackage {
  getBufferMessage(): Buffer | { error: string };
  getIsoJSON(buffer: Buffer, config: object): Record<string, string> | { error: string };
}
type IsoPackageCtor = new (message?: Record<string, string>, formats?: object) => IsoPackage;

/** The iso_8583 field formats closest to CUP: everything ASCII, 52/64 as hex text, 55 as hex text. */
const ISO_PACKAGE_FORMATS = {
  22: { ContentType: "n", Label: "POS entry mode", LenType: "fixed", MaxLen: 3 },
  35: { ContentType: "ans", Label: "Track 2", LenType: "llvar", MaxLen: 37 },
  44: { ContentType: "ans", Label: "Additional response data", LenType: "llvar", MaxLen: 25 },
  52: { ContentType: "b", Label: "PIN data", LenType: "fixed", MaxLen: 16 },
  53: { ContentType: "n", Label: "Security control", LenType: "fixed", MaxLen: 16 },
  55: { ContentType: "ans", Label: "ICC data (hex text)", LenType: "lllvar", MaxLen: 999 },
  60: { ContentType: "n", Label: "Reserved private", LenType: "lllvar", MaxLen: 17 },
  63: { ContentType: "ans", Label: "Reserved private", LenType: "lllvar", MaxLen: 163 },
  64: { ContentType: "b", Label: "MAC", LenType: "fixed", MaxLen: 16 },
};

function isoPackageMessage(message: Iso8583Message): Record<string, string> {
  const out: Record<string, string> = { 0: message.mti };
  for (const [k, v] of Object.entries(message.fields)) out[k] = k === "35" ? v.replace("D", "=") : v;
  return out;
}

const ISO_PACKAGE_NOTE =
  "iso_8583 2.6.7: ASCII digits instead of BCD, 16-byte bitmap always, 55 as hex text (2× bytes), " +
  "no TPDU/header; Buffer.concat per field";

function benchIsoPackage(
  label: string,
  message: Iso8583Message,
  ms: number,
  gc: Gc | undefined,
): BenchResult[] {
  const require = createRequire(import.meta.url);
  let Ctor: IsoPackageCtor;
  try {
    Ctor = require("iso_8583") as IsoPackageCtor;
  } catch {
    return [{ name: `iso_8583 ${label}`, opsPerSec: 0, note: "iso_8583 not installed" }];
  }
  const data = isoPackageMessage(message);
  const packOnce = () => {
    const out = new Ctor(data, ISO_PACKAGE_FORMATS).getBufferMessage();
    if (!Buffer.isBuffer(out)) throw new Error(`iso_8583 pack failed: ${out.error}`);
    return out;
  };
  const packed = packOnce();
  const unpackOnce = () => {
    const out = new Ctor(undefined, ISO_PACKAGE_FORMATS).getIsoJSON(packed, {});
    if ("error" in out && typeof out.error === "string")
      throw new Error(`iso_8583 unpack failed: ${out.error}`);
    return out;
  };
  unpackOnce();
  const note = `${ISO_PACKAGE_NOTE}; ${packed.length} bytes on the wire`;
  return [
    {
      name: `iso_8583 pack ${label}`,
      opsPerSec: opsPerSec(packOnce, ms),
      bytesPerOp: bytesPerOp(packOnce, gc),
      note,
    },
    {
      name: `iso_8583 unpack ${label}`,
      opsPerSec: opsPerSec(unpackOnce, ms),
      bytesPerOp: bytesPerOp(unpackOnce, gc),
      note,
    },
  ];
}

function benchCup(label: string, message: Iso8583Message, ms: number, gc: Gc | undefined): BenchResult[] {
  const spec = compileSpec(cupSpec);
  const packed = pack(spec, message);
  const frame = {
    tpdu: { destination: "0003", source: "0000" },
    header: headerFromDigits("603100311003"),
    message,
  };
  const framed = packFrame(frame, spec);
  const note = `${packed.length} bytes (${framed.length} framed), field 55 ${(message.fields[55]?.length ?? 0) / 2} bytes`;
  const run = (name: string, fn: () => unknown, extra = ""): BenchResult => ({
    name: `cup ${name} ${label}`,
    opsPerSec: opsPerSec(fn, ms),
    bytesPerOp: bytesPerOp(fn, gc),
    note: extra ? `${note}; ${extra}` : note,
  });
  return [
    run("pack", () => pack(spec, message)),
    run("unpack", () => unpack(spec, packed)),
    run("pack+unpack", () => unpack(spec, pack(spec, message)), "target ≥ 100k/s"),
    run(
      "packFrame+unpackFrame",
      () => unpackFrame(packFrame(frame, spec), spec),
      "with length, TPDU, header",
    ),
  ];
}

/** Runs every ISO 8583 benchmark; `ms` is the time spent per figure. */
export async function benchIso8583(ms = 1_000): Promise<BenchResult[]> {
  const gc = getGc();
  return [
    ...benchCup("0200 IC sale", SALE_0200, ms, gc),
    ...benchCup("0210", SALE_0210, ms, gc),
    ...benchIsoPackage("0200 IC sale", SALE_0200, ms, gc),
    ...benchIsoPackage("0210", SALE_0210, ms, gc),
  ];
}

if (isMain(import.meta.url)) {
  process.stdout.write(`${resultTable(await benchIso8583())}\n`);
}
