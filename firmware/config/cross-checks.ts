import type { SettingProblem } from "./issue-text.js";
import type { ParsedSettings } from "./terminal-settings.js";

/**
 * Rules that span settings. Each names the setting to change: a switched-on entry mode needs its
 * reader, the modem transport needs the modem, limits nest (large ≤ per transaction ≤ daily).
 */
export function crossCheck(s: ParsedSettings): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const need = (
    feature: "swipe" | "insert" | "tap",
    device: "magstripe" | "contact" | "nfc",
    what: string,
  ) => {
    if (s.features[feature] && !s.devices[device]) {
      problems.push({
        setting: `features.${feature}`,
        message: `needs devices.${device} (set features.${feature} to false on a terminal without ${what})`,
      });
    }
  };
  need("swipe", "magstripe", "a magstripe reader");
  need("insert", "contact", "a contact reader");
  need("tap", "nfc", "a contactless reader");
  if (s.features.fallback && !(s.features.swipe && s.features.insert)) {
    problems.push({ setting: "features.fallback", message: "needs features.swipe and features.insert" });
  }
  if (s.host.transport === "modem" && !s.devices.modem) {
    problems.push({
      setting: "devices.modem",
      message: 'missing: host.transport "modem" needs the modem port',
    });
  }
  if (s.host.tls && s.host.transport !== "tls") {
    problems.push({ setting: "host.tls", message: 'only used with host.transport "tls"' });
  }
  const tls = s.host.tls;
  if (tls && (tls.cert === undefined) !== (tls.key === undefined)) {
    problems.push({
      setting: tls.cert === undefined ? "host.tls.cert" : "host.tls.key",
      message: "mutual TLS needs both cert and key",
    });
  }
  if (s.host.backoff.maxMs < s.host.backoff.initialMs) {
    problems.push({ setting: "host.backoff.maxMs", message: "must be ≥ host.backoff.initialMs" });
  }
  if (s.limits.perTransaction > s.limits.daily) {
    problems.push({ setting: "limits.perTransaction", message: "must be ≤ limits.daily" });
  }
  if (s.limits.largeAmount > s.limits.perTransaction) {
    problems.push({ setting: "limits.largeAmount", message: "must be ≤ limits.perTransaction" });
  }
  return problems;
}
