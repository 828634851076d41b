import { describe, expect, it } from "vitest";
import {
  ConfigError,
  DEVICE_NAMES,
  exampleSettingsInput,
  parseTerminalSettings,
} from "../../../firmware/config/index.js";
import { UNIONPAY_DEFAULTS } from "../../../firmware/emv/shared/terminal-config.js";

/** A deep copy of `input` with `value` at the dotted path (undefined deletes the key). */
function setAt(input: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(input) as Record<string, unknown>;
  const keys = path.split(".");
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

function refusal(input: unknown): ConfigError {
  try {
    parseTerminalSettings(input, "terminal.json");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("the configuration was accepted");
}

/** Base: TLS transport so host.tls settings are legal. */
const base = exampleSettingsInput({ host: { transport: "tls", tls: { ca: "ca.pem" } } });

interface Row {
  set: string;
  value: unknown;
  /** The setting the error must name; default `set`. */
  setting?: string;
  /** Part of the message. */
  says?: RegExp;
}

const rows: Row[] = [
  { set: "terminal.terminalId", value: "1234567", says: /expected 8 letters or digits \(got "1234567"\)/ },
  { set: "terminal.terminalId", value: "1234-678" },
  { set: "terminal.terminalId", value: undefined, says: /missing/ },
  { set: "terminal.merchantId", value: "12345" },
  { set: "terminal.merchantId", value: 898310048160001, says: /got 898310048160001/ },
  { set: "terminal.merchantName", value: "" },
  { set: "terminal.merchantName", value: "商户\u0007名" },
  { set: "terminal.merchantName", value: "长".repeat(41) },
  { set: "terminal.merchantNameEn", value: "上海商户" },
  { set: "terminal.operator", value: "1" },
  { set: "terminal.serialNumber", value: "" },
  { set: "terminal", value: "T1", says: /expected an object/ },
  { set: "host", value: undefined, says: /missing/ },
  { set: "host.apn", value: "cm net", says: /expected an APN/ },
  { set: "host.apn", value: "", says: /expected an APN/ },
  { set: "host.transport", value: "udp", says: /expected one of "tcp", "tls", "modem" \(got "udp"\)/ },
  { set: "host.host", value: "bad host" },
  { set: "host.host", value: "" },
  {
    set: "host.port",
    value: "abc",
    says: /^host\.port: expected an integer 1\.\.65535 \(got "abc"\) in terminal\.json$/,
  },
  { set: "host.port", value: 0 },
  { set: "host.port", value: 65536 },
  { set: "host.port", value: 80.5 },
  { set: "host.port", value: undefined, says: /missing: expected an integer 1\.\.65535/ },
  { set: "host.tls", value: [], says: /expected an object \(got a list\)/ },
  { set: "host.tls.ca", value: "" },
  { set: "host.tls.cert", value: 5 },
  { set: "host.tls.key", value: "" },
  { set: "host.tls.servername", value: "" },
  { set: "host.tls.pinSha256", value: ["sha256/abc"], setting: "host.tls.pinSha256[0]" },
  { set: "host.tls.pinSha256", value: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" },
  { set: "host.connectTimeoutMs", value: 50 },
  { set: "host.responseTimeoutMs", value: "30s" },
  { set: "host.keepAlive", value: "yes", says: /expected true or false/ },
  { set: "host.tpdu", value: 5 },
  { set: "host.tpdu.destination", value: "00G3" },
  { set: "host.tpdu.source", value: "000" },
  { set: "host.header.applicationType", value: "6" },
  { set: "host.header.specVersion", value: "3a" },
  { set: "host.header.softwareVersion", value: 311003 },
  { set: "host.reversalRetries", value: -1 },
  { set: "host.reversalRetries", value: 11 },
  { set: "host.backoff.initialMs", value: 0 },
  { set: "host.backoff.maxMs", value: "x" },
  ...DEVICE_NAMES.flatMap((d): Row[] => [
    { set: `devices.${d}`, value: "/dev/ttyS9", says: /expected an object/ },
    { set: `devices.${d}.path`, value: "" },
    { set: `devices.${d}.path`, value: undefined, says: /missing/ },
    { set: `devices.${d}.baudRate`, value: 11520, says: /expected one of 1200, .*115200/ },
  ]),
  { set: "storage.dir", value: "" },
  { set: "receipts.copies", value: 0 },
  { set: "receipts.copies", value: 4, says: /expected an integer 1\.\.3 \(got 4\)/ },
  { set: "receipts.columns", value: 40, says: /expected one of 32, 48/ },
  { set: "receipts.headerLines", value: ["x".repeat(49)], setting: "receipts.headerLines[0]" },
  { set: "receipts.footerLines", value: Array(7).fill("谢谢"), says: /at most 6 lines/ },
  { set: "receipts.footerLines", value: "thanks", says: /expected a list/ },
  { set: "receipts.eReceipt.urlTemplate", value: "ftp://r.example/{stan}" },
  { set: "receipts.eReceipt.urlTemplate", value: "https://r.example/{pan}", says: /placeholders/ },
  { set: "receipts.noSignatureLimit", value: -1 },
  { set: "limits.perTransaction", value: 0 },
  { set: "limits.daily", value: 1.5 },
  { set: "limits.largeAmount", value: "1000", says: /amount in fen/ },
  { set: "limits.velocity.maxPerCard", value: -1 },
  { set: "limits.velocity.windowMinutes", value: 0 },
  ...[
    "swipe",
    "insert",
    "tap",
    "qr",
    "void",
    "refund",
    "preauth",
    "balance",
    "tips",
    "fallback",
    "instantSettlement",
  ].map((f): Row => ({ set: `features.${f}`, value: "true", says: /expected true or false \(got "true"\)/ })),
  { set: "emv.countryCode", value: "12", says: /4 decimal digits/ },
  { set: "emv.terminalType", value: "99" },
  {
    set: "emv.aids",
    value: [{ ...UNIONPAY_DEFAULTS.aids[0], tacOnline: "ZZ" }],
    setting: "emv.aids[0].tacOnline",
  },
  { set: "emv.aids", value: [], says: /at least one AID/ },
  { set: "log.level", value: "verbose" },
  { set: "log.file", value: "" },
];

describe("parseTerminalSettings refusals", () => {
  it.each(rows.map((r) => [r.setting ?? r.set, r] as const))("%s", (setting, row) => {
    const error = refusal(setAt(base, row.set, row.value));
    expect(error.setting).toBe(setting);
    expect(error.source).toBe("terminal.json");
    expect(error.message.startsWith(`${setting}: `)).toBe(true);
    expect(error.message).toContain("in terminal.json");
    if (row.says) expect(error.message).toMatch(row.says);
  });

  it("refuses what is not an object at all", () => {
    expect(refusal([]).message).toBe("(top level): expected an object (got a list) in terminal.json");
    expect(refusal("{}").setting).toBe("(top level)");
    expect(refusal({}).problems).toEqual([
      "terminal: missing: expected an object",
      "host: missing: expected an object",
    ]);
  });

  it("lists every problem, the first in front", () => {
    const input = setAt(setAt(base, "host.port", "abc"), "limits.daily", -5);
    const error = refusal(input);
    expect(error.setting).toBe("host.port");
    expect(error.problems).toHaveLength(2);
    expect(error.problems[1]).toMatch(/^limits\.daily: /);
    expect(error.message).toMatch(/\(and 1 more: limits\.daily: /);
  });
});

describe("cross-setting rules", () => {
  const crossRows: [string, unknown, RegExp][] = [
    ["features.swipe", setAt(base, "devices.magstripe", undefined), /needs devices\.magstripe/],
    ["features.insert", setAt(base, "devices.contact", undefined), /needs devices\.contact/],
    ["features.tap", setAt(base, "devices.nfc", undefined), /needs devices\.nfc/],
    ["features.fallback", setAt(base, "features.swipe", false), /needs features\.swipe and features\.insert/],
    [
      "devices.modem",
      setAt(setAt(setAt(base, "host.transport", "modem"), "host.tls", undefined), "devices.modem", undefined),
      /modem/,
    ],
    ["host.tls", setAt(base, "host.transport", "tcp"), /only used with host\.transport "tls"/],
    ["host.tls.key", setAt(base, "host.tls.cert", "client.pem"), /both cert and key/],
    ["host.tls.cert", setAt(base, "host.tls.key", "client.key"), /both cert and key/],
    [
      "host.backoff.maxMs",
      setAt(base, "host.backoff", { initialMs: 5000, maxMs: 4999 }),
      /≥ host\.backoff\.initialMs/,
    ],
    ["limits.perTransaction", setAt(base, "limits.perTransaction", 50_000_001), /≤ limits\.daily/],
    ["limits.largeAmount", setAt(base, "limits.largeAmount", 10_000_001), /≤ limits\.perTransaction/],
  ];
  it.each(crossRows)("%s", (setting, input, says) => {
    const error = refusal(input);
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(says);
  });

  it("accepts the limits when they are equal, and a terminal without readers when their modes are off", () => {
    const equal = setAt(setAt(base, "limits.perTransaction", 50_000_000), "limits.largeAmount", 50_000_000);
    expect(() => parseTerminalSettings(equal, "t")).not.toThrow();
    const qrOnly = exampleSettingsInput({
      devices: { contact: undefined, magstripe: undefined, nfc: undefined, pinpad: undefined },
      features: { swipe: false, insert: false, tap: false, fallback: false },
    });
    expect(parseTerminalSettings(qrOnly, "t").devices).toEqual({
      printer: { path: "/dev/usb/lp0", baudRate: 115200 },
      modem: { path: "/dev/ttyUSB2", baudRate: 115200 },
    });
  });
});

describe("unknown keys are refused with their path", () => {
  const unknownRows: [string, string][] = [
    ["hots", "hots"],
    ["host.prot", "host.prot"],
    ["host.tls.pin", "host.tls.pin"],
    ["host.tpdu.dest", "host.tpdu.dest"],
    ["devices.nfc.baud", "devices.nfc.baud"],
    ["devices.scanner", "devices.scanner"],
    ["limits.velocity.max", "limits.velocity.max"],
    ["receipts.eReceipt.url", "receipts.eReceipt.url"],
    ["features.cashback", "features.cashback"],
    ["emv.floorLimit", "emv.floorLimit"],
    ["log.pretty", "log.pretty"],
  ];
  it.each(unknownRows)("%s", (path, setting) => {
    const withReceipt = setAt(base, "receipts.eReceipt", { urlTemplate: "https://r.example/{stan}" });
    const error = refusal(setAt(withReceipt, path, 1));
    expect(error.setting).toBe(setting);
    expect(error.message).toBe(`${setting}: unknown setting (check the spelling) in terminal.json`);
  });

  it("says where the EMV terminal and merchant IDs are set", () => {
    expect(refusal(setAt(base, "emv.terminalId", "10000001")).message).toMatch(
      /^emv\.terminalId: set by terminal\.terminalId; remove it here/,
    );
    expect(refusal(setAt(base, "emv.merchantId", "x")).setting).toBe("emv.merchantId");
  });

  it("takes keys starting with // as comments, at any depth", () => {
    const input = setAt(setAt(base, "//", "note"), "host.// why", "the acquirer asked");
    expect(() => parseTerminalSettings(input, "t")).not.toThrow();
  });
});
