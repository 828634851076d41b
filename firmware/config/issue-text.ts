import type { z } from "zod";

/** One problem with a setting, ready for ConfigError. */
export interface SettingProblem {
  setting: string;
  message: string;
}

/** ["host", "tls", "pinSha256", 1] → "host.tls.pinSha256[1]". */
export function settingPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** What was given, short: strings quoted, objects by kind (a config holds no secrets, only paths). */
function given(input: unknown): string {
  if (Array.isArray(input)) return "a list";
  if (input === null) return "null";
  if (typeof input === "object") return "an object";
  if (typeof input === "string") {
    const shown = input.length > 40 ? `${input.slice(0, 40)}…` : input;
    return JSON.stringify(shown);
  }
  return String(input);
}

/** EMV settings the terminal section owns: say where to set them instead of just "unknown". */
const OWNED_ELSEWHERE: Record<string, string> = {
  "emv.terminalId": "terminal.terminalId",
  "emv.merchantId": "terminal.merchantId",
};

/** Zod issues (parsed with `reportInput`) → one problem per setting, unknown keys one each. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[]): SettingProblem[] {
  const problems: SettingProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const setting = settingPath([...issue.path, key]);
        const owner = OWNED_ELSEWHERE[setting];
        problems.push({
          setting,
          message: owner ? `set by ${owner}; remove it here` : "unknown setting (check the spelling)",
        });
      }
      continue;
    }
    const setting = settingPath(issue.path) || "(top level)";
    if (issue.input === undefined) {
      problems.push({ setting, message: `missing: ${issue.message}` });
    } else {
      problems.push({ setting, message: `${issue.message} (got ${given(issue.input)})` });
    }
  }
  return problems;
}
