import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  emvTerminalConfig,
  exampleSettings,
  exampleSettingsInput,
  loadTerminalSettings,
  parseTerminalSettings,
  serializeSettings,
} from "../../../firmware/config/index.js";
import { UNIONPAY_DEFAULTS } from "../../../firmware/emv/shared/terminal-config.js";
import { Rig } from "../../../tools/rig/rig.js";
import { useTempDirs } from "../../support/temp-dir.js";

const EXAMPLE_FILE = resolve("firmware/config/terminal.example.json");
const tempDir = useTempDirs();

/** The least a file must say: who the terminal is and where the host is. QR-only, so no readers. */
const minimal = {
  terminal: { terminalId: "10000001", merchantId: "898310048160001", merchantName: "示例商户" },
  host: { transport: "tcp", host: "10.0.0.5", port: 8583 },
  features: { swipe: false, insert: false, tap: false, fallback: false },
};

describe("defaults", () => {
  it("fills every section of a minimal file", () => {
    const s = parseTerminalSettings(minimal, "minimal");
    expect(s.terminal.operator).toBe("01");
    expect(s.host).toEqual({
      transport: "tcp",
      host: "10.0.0.5",
      port: 8583,
      connectTimeoutMs: 10_000,
      responseTimeoutMs: 30_000,
      apn: "CMNET",
      keepAlive: true,
      tpdu: { destination: "0003", source: "0000" },
      header: { applicationType: "60", specVersion: "31", softwareVersion: "000000" },
      reversalRetries: 3,
      backoff: { initialMs: 1_000, maxMs: 30_000 },
    });
    expect(s.devices).toEqual({});
    expect(s.storage).toEqual({ dir: "/var/lib/pos" });
    expect(s.receipts).toEqual({ copies: 2, columns: 32, noSignatureLimit: 100_000 });
    expect(s.limits).toEqual({
      perTransaction: 10_000_000,
      daily: 50_000_000,
      largeAmount: 1_000_000,
      velocity: { maxPerCard: 5, windowMinutes: 10 },
    });
    expect(s.log).toEqual({ level: "info" });
  });

  it("switches every feature on except tips and instant settlement", () => {
    const s = parseTerminalSettings(
      { ...minimal, features: undefined, devices: exampleSettingsInput().devices },
      "f",
    );
    expect(s.features).toEqual({
      swipe: true,
      insert: true,
      tap: true,
      qr: true,
      void: true,
      refund: true,
      preauth: true,
      balance: true,
      tips: false,
      fallback: true,
      instantSettlement: false,
    });
  });

  it("fills a device's baud rate and upper-cases TPDU addresses", () => {
    const s = parseTerminalSettings(
      {
        ...minimal,
        host: { ...minimal.host, tpdu: { destination: "00ab" } },
        devices: { magstripe: { path: "/dev/ttyS3" }, printer: { path: "/dev/usb/lp0" } },
      },
      "d",
    );
    expect(s.devices).toEqual({
      magstripe: { path: "/dev/ttyS3", baudRate: 9600 },
      printer: { path: "/dev/usb/lp0", baudRate: 115200 },
    });
    expect(s.host.tpdu).toEqual({ destination: "00AB", source: "0000" });
  });

  it("gives EMV the UnionPay defaults with the terminal's own IDs and serial number", () => {
    const s = parseTerminalSettings(
      { ...minimal, terminal: { ...minimal.terminal, serialNumber: "SN42" } },
      "e",
    );
    expect(s.emv).toEqual({
      ...UNIONPAY_DEFAULTS,
      terminalId: "10000001",
      merchantId: "898310048160001",
      ifdSerialNumber: "0000SN42",
    });
    const emv = emvTerminalConfig(s);
    expect(emv.terminalId).toBe("10000001");
    expect(emv.merchantId).toBe("898310048160001");
    expect(emv.aids.length).toBe(UNIONPAY_DEFAULTS.aids.length);
    expect(emv.countryCode.toString("hex")).toBe("0156");
  });

  it("applies EMV overrides over the defaults; an aids list replaces the default list", () => {
    const aid = { ...UNIONPAY_DEFAULTS.aids[0]!, floorLimit: 50_000 };
    const s = parseTerminalSettings(
      { ...minimal, emv: { merchantCategoryCode: "5411", ifdSerialNumber: "ABCDEFGH", aids: [aid] } },
      "e",
    );
    const emv = emvTerminalConfig(s);
    expect(emv.merchantCategoryCode.toString("hex")).toBe("5411");
    expect(emv.ifdSerialNumber).toBe("ABCDEFGH");
    expect(emv.aids.map((a) => a.floorLimit)).toEqual([50_000]);
  });
});

describe("the example file", () => {
  it("parses as it is shipped", () => {
    const json = JSON.parse(readFileSync(EXAMPLE_FILE, "utf8"));
    const s = parseTerminalSettings(json, EXAMPLE_FILE);
    expect(s.terminal.terminalId).toBe("10000001");
    expect(s.host.transport).toBe("tls");
    expect(s.devices.printer).toEqual({ path: "/dev/usb/lp0", baudRate: 115200 });
    expect(s.emv.merchantCategoryCode).toBe("5411");
  });

  it("loads with relative paths resolved against its directory", () => {
    const s = loadTerminalSettings(EXAMPLE_FILE);
    const dir = resolve("firmware/config");
    expect(s.host.tls?.ca).toBe(join(dir, "certs/acquirer-ca.pem"));
    expect(s.log.file).toBe(join(dir, "logs/terminal.log"));
    expect(s.storage.dir).toBe("/var/lib/pos");
    expect(s.devices.nfc?.path).toBe("/dev/ttyS4");
  });

  it("matches exampleSettings() apart from what the file shows off", () => {
    const s = loadTerminalSettings(EXAMPLE_FILE);
    const e = exampleSettings();
    expect(e.terminal).toEqual(s.terminal);
    expect(e.limits).toEqual(s.limits);
    expect(e.features).toEqual(s.features);
  });
});

describe("loadTerminalSettings", () => {
  it("names the file when it is missing", () => {
    const path = join(tempDir(), "nope.json");
    expect(() => loadTerminalSettings(path)).toThrow(ConfigError);
    expect(() => loadTerminalSettings(path)).toThrow(`cannot read the terminal config (ENOENT) in ${path}`);
  });

  it("names the file when it is not JSON", () => {
    const path = join(tempDir(), "bad.json");
    writeFileSync(path, '{ "terminal": ');
    expect(() => loadTerminalSettings(path)).toThrow(/^not valid JSON: .* in .*bad\.json$/);
  });

  it("names the setting and the file when a value is wrong", () => {
    const path = join(tempDir(), "terminal.json");
    writeFileSync(path, JSON.stringify(exampleSettingsInput({ host: { port: "abc" as never } })));
    let error: ConfigError | undefined;
    try {
      loadTerminalSettings(path);
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toBe(`host.port: expected an integer 1..65535 (got "abc") in ${path}`);
    expect(error?.setting).toBe("host.port");
    expect(error?.source).toBe(path);
  });

  it("resolves relative storage and TLS paths, keeps absolute ones", () => {
    const dir = tempDir();
    const path = join(dir, "terminal.json");
    const input = exampleSettingsInput({
      host: {
        transport: "tls",
        tls: { ca: "/etc/ssl/ca.pem", cert: "tls/client.pem", key: "tls/client.key" },
      },
      storage: { dir: "data" },
    });
    writeFileSync(path, JSON.stringify(input));
    const s = loadTerminalSettings(path);
    expect(s.host.tls).toEqual({
      ca: "/etc/ssl/ca.pem",
      cert: join(dir, "tls/client.pem"),
      key: join(dir, "tls/client.key"),
    });
    expect(s.storage.dir).toBe(join(dir, "data"));
  });
});

describe("the rig's devices section", () => {
  it("parses exactly as a rig hands it out", async () => {
    const rig = await Rig.start({ transport: "memory" });
    try {
      const { devices } = rig.deviceConfig();
      const s = parseTerminalSettings({ ...exampleSettingsInput(), devices }, "rig");
      expect(s.devices).toEqual(devices);
    } finally {
      await rig.stop();
    }
  });
});

describe("exampleSettings and serializeSettings", () => {
  it("merges overrides deeply; undefined removes a key", () => {
    const s = exampleSettings({ limits: { daily: 60_000_000 }, devices: { modem: undefined } });
    expect(s.limits.daily).toBe(60_000_000);
    expect(s.limits.perTransaction).toBe(10_000_000);
    expect(s.devices.modem).toBeUndefined();
    expect(s.devices.printer).toBeDefined();
    expect(() => exampleSettings({ host: { port: 0 } })).toThrow(/^host\.port: .* in exampleSettings$/);
  });

  it("serialises with sorted keys, whatever order the object was built in", () => {
    const s = exampleSettings();
    const reordered = Object.fromEntries(Object.entries(s).reverse()) as typeof s;
    expect(serializeSettings(reordered)).toBe(serializeSettings(s));
    const text = serializeSettings(s);
    expect(text.endsWith("}\n")).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual([...Object.keys(s)].sort());
    expect(JSON.parse(text).emv.terminalId).toBeUndefined();
  });

  it("round-trips: what it writes parses back to the same settings (property)", () => {
    fc.assert(
      fc.property(
        fc.record({
          perTransaction: fc.integer({ min: 1, max: 1_000_000 }),
          extraDaily: fc.integer({ min: 0, max: 1_000_000 }),
          copies: fc.integer({ min: 1, max: 3 }),
          columns: fc.constantFrom(32 as const, 48 as const),
          tips: fc.boolean(),
          port: fc.integer({ min: 1, max: 65535 }),
          name: fc.string({ minLength: 1, maxLength: 20 }).filter((n) => !/\p{Cc}/u.test(n)),
        }),
        (r) => {
          const s = exampleSettings({
            terminal: { merchantName: r.name },
            host: { port: r.port },
            receipts: { copies: r.copies, columns: r.columns },
            features: { tips: r.tips },
            limits: {
              perTransaction: r.perTransaction,
              largeAmount: r.perTransaction,
              daily: r.perTransaction + r.extraDaily,
            },
          });
          const again = parseTerminalSettings(JSON.parse(serializeSettings(s)), "round-trip");
          expect(again).toEqual(s);
          expect(serializeSettings(again)).toBe(serializeSettings(s));
        },
      ),
      { seed: 7, numRuns: 100 },
    );
  });
});

describe("robustness", () => {
  it("any JSON value is accepted or refused with a ConfigError, never anything else", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseTerminalSettings(value, "fuzz");
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).message).toMatch(/ in fuzz( |$)/);
        }
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it("any value at any known setting is accepted or refused with a ConfigError naming a setting", () => {
    const input = exampleSettingsInput({ host: { transport: "tls", tls: {} } }) as Record<string, unknown>;
    const paths: string[][] = [];
    const walk = (node: unknown, at: string[]) => {
      if (node === null || typeof node !== "object" || Array.isArray(node)) return paths.push(at);
      for (const [k, v] of Object.entries(node)) walk(v, [...at, k]);
    };
    walk(input, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
        const copy = structuredClone(input);
        let node = copy as Record<string, unknown>;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
        node[path.at(-1)!] = value;
        try {
          parseTerminalSettings(copy, "fuzz");
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).setting).not.toBe("");
        }
      }),
      { seed: 13, numRuns: 400 },
    );
  });
});
