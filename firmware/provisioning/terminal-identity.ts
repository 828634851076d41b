import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../../drivers/storage/atomic-file.js";
import { ConfigError, parseTerminalSettings } from "../config/index.js";
import { ProvisioningError } from "./provisioning-error.js";

export interface IdentityChange {
  terminalId?: string;
  merchantId?: string;
  /** "host:port" ("[::1]:5000" for IPv6). */
  host?: string;
}

/** Splits "host:port"; the port must be 1..65535. */
export function parseHostAddress(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(":");
  const portText = text.slice(at + 1);
  const port = Number(portText);
  if (at <= 0 || !/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) {
    throw new ProvisioningError(`host must be HOST:PORT, got ${JSON.stringify(text)}`);
  }
  return { host: text.slice(0, at), port };
}

/**
 * Sets the terminal and merchant IDs and the host address in the config file, validates the result
 * with the firmware's own parser (a refusal names the setting, e.g. "terminal.terminalId") and only
 * then replaces the file atomically; other settings and comments are kept as written.
 */
export function setTerminalIdentity(configPath: string, change: IdentityChange): Record<string, unknown> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(configPath, [
      { setting: "", message: `cannot read the terminal config (${(error as Error).message})` },
    ]);
  }
  const section = (name: string): Record<string, unknown> => {
    const value = json[name];
    if (value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value))) {
      throw new ConfigError(configPath, [{ setting: name, message: "expected an object" }]);
    }
    const object = (value ?? {}) as Record<string, unknown>;
    json[name] = object;
    return object;
  };
  if (change.terminalId !== undefined) section("terminal").terminalId = change.terminalId;
  if (change.merchantId !== undefined) section("terminal").merchantId = change.merchantId;
  if (change.host !== undefined) Object.assign(section("host"), parseHostAddress(change.host));
  parseTerminalSettings(json, configPath);
  writeFileAtomic(configPath, Buffer.from(`${JSON.stringify(json, null, 2)}\n`));
  return json;
}
