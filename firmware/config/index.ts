export { ConfigError } from "./config-error.js";
export { emvTerminalConfig } from "./emv-section.js";
export { exampleSettings, exampleSettingsInput, type SettingsOverrides } from "./example-settings.js";
export { type SettingProblem, settingPath } from "./issue-text.js";
export { serializeSettings } from "./serialize-settings.js";
export { MAX_FEN } from "./setting-types.js";
export {
  BAUD_RATES,
  type BaudRate,
  DEFAULT_BAUD_RATES,
  DEVICE_NAMES,
  type DeviceName,
  E_RECEIPT_PLACEHOLDERS,
  terminalSettingsSchema,
} from "./settings-schema.js";
export {
  type DeviceSettings,
  type FeatureSettings,
  type HostSettings,
  type LimitSettings,
  type LogSettings,
  loadTerminalSettings,
  parseTerminalSettings,
  type ReceiptSettings,
  type TerminalSettings,
  type TerminalSettingsInput,
} from "./terminal-settings.js";
