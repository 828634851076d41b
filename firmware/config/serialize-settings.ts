import type { TerminalSettings } from "./terminal-settings.js";

/**
 * Stable JSON of a configuration (keys sorted at every level, 2-space indent, final newline), so two
 * equal configurations serialise to the same bytes and a diff shows only real changes. The output
 * parses back to the same settings: the EMV terminal and merchant IDs are left out (they come from
 * `terminal`).
 */
export function serializeSettings(settings: TerminalSettings): string {
  const { terminalId: _tid, merchantId: _mid, ...emv } = settings.emv;
  return `${JSON.stringify(sortKeys({ ...settings, emv }), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
