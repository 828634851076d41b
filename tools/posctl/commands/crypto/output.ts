/** Output and key hygiene shared by the `posctl crypto` subcommands. */

/** Zeroes every key, PIN or intermediate Buffer a command parsed or derived (undefined ones skipped). */
export function wipe(...buffers: (Buffer | undefined)[]): void {
  for (const buffer of buffers) buffer?.fill(0);
}

export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Several named results: a JSON object with `--json`, otherwise one `name: VALUE` line each. */
export function printFields(fields: Record<string, unknown>, json: boolean | undefined): void {
  if (json) {
    printLine(JSON.stringify(fields, null, 2));
    return;
  }
  for (const [name, value] of Object.entries(fields)) {
    printLine(`${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
}
