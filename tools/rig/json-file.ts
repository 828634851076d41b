import { readFileSync } from "node:fs";
import type { z } from "zod";
import { RigDataError, settingPath } from "./rig-error.js";

/** Reads a JSON file; an unreadable file or bad JSON is a RigDataError naming the file. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new RigDataError(file, `cannot read: ${(error as NodeJS.ErrnoException).code ?? "error"}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RigDataError(file, `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Parses with a schema; the first issue becomes a RigDataError naming the entry and field. */
export function parseRigData<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new RigDataError(settingPath(prefix, issue.path), issue.message);
}
