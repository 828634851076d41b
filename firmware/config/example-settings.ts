import {
  parseTerminalSettings,
  type TerminalSettings,
  type TerminalSettingsInput,
} from "./terminal-settings.js";

/** Every key optional, all the way down; an `undefined` override removes the key. */
export type SettingsOverrides<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: SettingsOverrides<T[K]> | undefined }
    : T;

/** A complete, valid configuration of a UnionPay-acquiring counter terminal (the docs' example). */
export function exampleSettingsInput(
  overrides: SettingsOverrides<TerminalSettingsInput> = {},
): TerminalSettingsInput {
  const base: TerminalSettingsInput = {
    terminal: {
      terminalId: "10000001",
      merchantId: "898310048160001",
      merchantName: "上海示例便利店",
      merchantNameEn: "SHANGHAI EXAMPLE STORE",
      operator: "01",
      serialNumber: "N910A0012345",
    },
    host: {
      transport: "tcp",
      host: "127.0.0.1",
      port: 5000,
      connectTimeoutMs: 10_000,
      responseTimeoutMs: 30_000,
      keepAlive: true,
      tpdu: { destination: "0003", source: "0000" },
      header: { applicationType: "60", specVersion: "31", softwareVersion: "000000" },
      reversalRetries: 3,
      backoff: { initialMs: 1_000, maxMs: 30_000 },
    },
    devices: {
      pinpad: { path: "/dev/ttyS1", baudRate: 115200 },
      contact: { path: "/dev/ttyS2", baudRate: 115200 },
      magstripe: { path: "/dev/ttyS3", baudRate: 9600 },
      nfc: { path: "/dev/ttyS4", baudRate: 115200 },
      printer: { path: "/dev/usb/lp0", baudRate: 115200 },
      modem: { path: "/dev/ttyUSB2", baudRate: 115200 },
    },
    storage: { dir: "/var/lib/pos" },
    receipts: { copies: 2, columns: 32, noSignatureLimit: 100_000 },
    limits: {
      perTransaction: 10_000_000,
      daily: 50_000_000,
      largeAmount: 1_000_000,
      velocity: { maxPerCard: 5, windowMinutes: 10 },
    },
    features: {},
    log: { level: "info" },
  };
  return merge(base, overrides) as TerminalSettingsInput;
}

/** The example configuration, parsed (for tests and docs); overrides are merged in before parsing. */
export function exampleSettings(overrides: SettingsOverrides<TerminalSettingsInput> = {}): TerminalSettings {
  return parseTerminalSettings(exampleSettingsInput(overrides), "exampleSettings");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Objects merge key by key, anything else (arrays included) replaces; undefined deletes. */
function merge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) delete out[key];
    else out[key] = merge(out[key], value);
  }
  return out;
}
