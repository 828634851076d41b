import { ProtocolError } from "../../protocol/errors.js";

/** Bad command-line input that is not a codec error (missing flag, bad JSON, unknown option value). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Exit status for bad input, as every posctl command documents. */
export const EXIT_BAD_INPUT = 2;

/**
 * Wraps a command action so bad input ends with exit status 2 and one line on stderr, never a
 * stack trace. Anything that is not a known input error is a bug: it still gets one line, with
 * exit status 1, and the stack only when POSCTL_DEBUG is set.
 */
export function action<A extends unknown[]>(fn: (...args: A) => void | Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (error) {
      const known =
        error instanceof ProtocolError || error instanceof UsageError || error instanceof SyntaxError;
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`posctl: ${oneLine(message)}\n`);
      if (!known && process.env.POSCTL_DEBUG && error instanceof Error) {
        process.stderr.write(`${error.stack}\n`);
      }
      process.exitCode = known ? EXIT_BAD_INPUT : 1;
    }
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}

/** Parses a JSON argument, turning the parser's complaint into a usage error that names the argument. */
export function parseJsonArgument(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}
