import {
  parseTerminalConfig,
  type TerminalConfig,
  TerminalConfigError,
  type TerminalConfigInput,
  UNIONPAY_DEFAULTS,
} from "../emv/shared/terminal-config.js";
import type { SettingProblem } from "./issue-text.js";

/**
 * The `emv` section: top-level overrides of the UnionPay terminal defaults (an `aids` list replaces the
 * default list whole). The terminal and merchant IDs always come from `terminal`, so field 41/42 and
 * 9F1C/9F16 cannot disagree; 9F1E defaults to the last 8 characters of terminal.serialNumber.
 */
export function resolveEmv(
  overrides: Record<string, unknown> | undefined,
  terminal: { terminalId: string; merchantId: string; serialNumber?: string | undefined },
): { emv: TerminalConfigInput } | { problem: SettingProblem } {
  const serial = terminal.serialNumber?.slice(-8).padStart(8, "0");
  const merged = {
    ...UNIONPAY_DEFAULTS,
    ...(serial === undefined ? {} : { ifdSerialNumber: serial }),
    ...stripUndefined(overrides ?? {}),
    terminalId: terminal.terminalId,
    merchantId: terminal.merchantId,
  };
  try {
    parseTerminalConfig(merged);
  } catch (error) {
    if (error instanceof TerminalConfigError) {
      const detail = error.message.slice(error.setting.length + 2);
      return { problem: { setting: `emv.${error.setting}`, message: detail } };
    }
    throw error;
  }
  // Validated just above; the JSON shape is exactly TerminalConfigInput.
  return { emv: merged as TerminalConfigInput };
}

function stripUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

/** The EMV kernels' view of the settings (hex turned into bytes). */
export function emvTerminalConfig(settings: { emv: TerminalConfigInput }): TerminalConfig {
  return parseTerminalConfig(settings.emv);
}
