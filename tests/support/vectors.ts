import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The shared public vectors live beside the repository: ../shared/vectors. */
const VECTORS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "vectors");

export function loadVectors<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(join(VECTORS_DIR, file), "utf8")) as T;
}
