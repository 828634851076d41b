/**
 * The configuration a factory reset leaves: what identifies the board and how it reaches its acquirer
 * (the terminal's identity as provisioned, the host, the device paths, the storage and log places) is
 * kept, so the terminal can boot and sign in again; every other section (receipts, limits, features,
 * EMV, admin permissions) is dropped and so returns to its built-in default, as does the default
 * operator number. Input and output are the configuration file's JSON.
 */
const KEPT_SECTIONS = ["host", "devices", "storage", "log"] as const;
const KEPT_TERMINAL_KEYS = [
  "terminalId",
  "merchantId",
  "merchantName",
  "merchantNameEn",
  "serialNumber",
] as const;

export function factorySettings(current: unknown): Record<string, unknown> {
  const config = isObject(current) ? current : {};
  const result: Record<string, unknown> = {};
  const terminal = isObject(config.terminal) ? config.terminal : undefined;
  if (terminal) {
    result.terminal = Object.fromEntries(
      KEPT_TERMINAL_KEYS.filter((key) => terminal[key] !== undefined).map((key) => [key, terminal[key]]),
    );
  }
  for (const section of KEPT_SECTIONS) if (config[section] !== undefined) result[section] = config[section];
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
