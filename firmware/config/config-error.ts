/**
 * A terminal configuration the firmware refuses to boot with. `setting` is the dotted path of the
 * first setting at fault ("host.port", "devices.nfc.baudRate", "emv.aids[1].tacOnline"), `source` the
 * file (or other origin) it came from, `problems` every problem found, one line each, so an engineer
 * fixes the whole file in one go.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly setting: string;
  readonly source: string;
  readonly problems: readonly string[];

  constructor(
    source: string,
    problems: readonly { setting: string; message: string }[],
    options: { cause?: unknown } = {},
  ) {
    // An empty setting is a problem with the file as a whole (missing, not JSON).
    const lines = problems.map((p) => (p.setting ? `${p.setting}: ${p.message}` : p.message));
    const more = lines.length > 1 ? ` (and ${lines.length - 1} more: ${lines.slice(1).join("; ")})` : "";
    super(`${lines[0] ?? "invalid configuration"} in ${source}${more}`, options);
    this.setting = problems[0]?.setting ?? "";
    this.source = source;
    this.problems = lines;
  }
}
