import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import type { TerminalConfigInput } from "../emv/shared/terminal-config.js";
import { ConfigError } from "./config-error.js";
import { crossCheck } from "./cross-checks.js";
import { resolveEmv } from "./emv-section.js";
import { problemsFromIssues } from "./issue-text.js";
import { terminalSettingsSchema } from "./settings-schema.js";

/** What the file holds (defaults may be left out). */
export type TerminalSettingsInput = z.input<typeof terminalSettingsSchema>;
/** The schema's output, before the EMV section is merged over the UnionPay defaults. */
export type ParsedSettings = z.output<typeof terminalSettingsSchema>;

/** The terminal's settings, every default filled in; `emv` is the full EMV parameter set (JSON form). */
export type TerminalSettings = Omit<ParsedSettings, "emv"> & { emv: TerminalConfigInput };

/** Section types the rest of the firmware takes as constructor arguments. */
export type HostSettings = TerminalSettings["host"];
export type DeviceSettings = TerminalSettings["devices"];
export type ReceiptSettings = TerminalSettings["receipts"];
export type LimitSettings = TerminalSettings["limits"];
export type FeatureSettings = TerminalSettings["features"];
export type LogSettings = TerminalSettings["log"];

/** Generic wording for the zod messages the setting types do not set themselves. */
const defaultMessage = (issue: z.core.$ZodRawIssue): string | undefined =>
  issue.code === "invalid_type"
    ? `expected ${issue.expected === "object" ? "an object" : issue.expected}`
    : undefined;

/** Keys spelled "//" or starting with it are comments (the example file documents itself with them). */
function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith("//"))
      .map(([key, v]) => [key, withoutComments(v)]),
  );
}

/**
 * Validates a configuration (parsed JSON or an object built in code). `source` names where it came
 * from in the error. Paths are kept as written; `loadTerminalSettings` resolves relative ones.
 */
export function parseTerminalSettings(json: unknown, source: string): TerminalSettings {
  const result = terminalSettingsSchema.safeParse(withoutComments(json), {
    reportInput: true,
    error: defaultMessage,
  });
  if (!result.success) throw new ConfigError(source, problemsFromIssues(result.error.issues));
  const parsed = result.data;
  const problems = crossCheck(parsed);
  const emv = resolveEmv(parsed.emv, parsed.terminal);
  if ("problem" in emv) problems.push(emv.problem);
  if (problems.length > 0 || !("emv" in emv)) throw new ConfigError(source, problems);
  return { ...parsed, emv: emv.emv };
}

/**
 * Reads and validates the configuration file. Relative storage, log and TLS paths are resolved
 * against the file's directory (device paths are device nodes and kept as written).
 */
export function loadTerminalSettings(path: string): TerminalSettings {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(path, [{ setting: "", message: `cannot read the terminal config (${reason})` }], {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [{ setting: "", message: `not valid JSON: ${(error as Error).message}` }], {
      cause: error,
    });
  }
  const settings = parseTerminalSettings(json, path);
  const base = dirname(resolve(path));
  const at = (p: string) => resolve(base, p);
  const tls = settings.host.tls;
  return {
    ...settings,
    host: {
      ...settings.host,
      ...(tls
        ? {
            tls: {
              ...tls,
              ...(tls.ca === undefined ? {} : { ca: at(tls.ca) }),
              ...(tls.cert === undefined ? {} : { cert: at(tls.cert) }),
              ...(tls.key === undefined ? {} : { key: at(tls.key) }),
            },
          }
        : {}),
    },
    storage: { dir: at(settings.storage.dir) },
    log: { ...settings.log, ...(settings.log.file === undefined ? {} : { file: at(settings.log.file) }) },
  };
}
