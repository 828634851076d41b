import { AtError } from "./at-error.js";

/**
 * Splits the argument part of an AT line (`"recv",0,12`) into its parameters. Quoted strings keep
 * their commas and lose their quotes; bare values are trimmed. An unterminated quote is an AtError.
 */
export function splitParams(args: string, path = "params"): string[] {
  const params: string[] = [];
  let current = "";
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < args.length; i++) {
    const ch = args[i]!;
    if (quoted) {
      if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ",") {
      params.push(wasQuoted ? current : current.trim());
      current = "";
      wasQuoted = false;
    } else {
      current += ch;
    }
  }
  if (quoted) throw new AtError("unterminated quoted string", { path, offset: args.lastIndexOf('"') });
  if (args.length > 0 || params.length > 0) params.push(wasQuoted ? current : current.trim());
  return params;
}

/** A decimal parameter, or an AtError naming it. */
export function intParam(params: readonly string[], index: number, path: string): number {
  const text = params[index];
  if (text === undefined || !/^-?\d{1,10}$/.test(text)) {
    throw new AtError(`expected a number, got ${JSON.stringify(text ?? "")}`, { path });
  }
  return Number(text);
}

/**
 * Quotes a string parameter for a command. AT has no escape for `"` and a CR ends the command, so
 * either in an APN, host or credential would let data inject a second command: refuse them.
 */
export function quote(value: string, path: string): string {
  if (/["\r\n\x00-\x1f\x7f]/.test(value)) {
    throw new AtError("quotes and control characters are not allowed in an AT string", { path });
  }
  return `"${value}"`;
}
