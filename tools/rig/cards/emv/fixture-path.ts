import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Absolute path of a file kept beside this module's source (JSON fixtures, profiles). tsc does not copy
 * JSON into dist/, so code running from dist/tools/rig/cards/emv/ reads the one in tools/rig/cards/emv/.
 */
export function sourceFile(name: string): string {
  const here = fileURLToPath(new URL(name, import.meta.url));
  if (existsSync(here)) return here;
  const fromDist = here.replace(/([\\/])dist([\\/])tools([\\/])/, "$1tools$3");
  return existsSync(fromDist) ? fromDist : here;
}

/** The source directory of the rig's EMV cards (where make-test-pki writes its fixtures). */
export function sourceDir(): string {
  return dirname(sourceFile("./profiles/unionpay-debit.json"), 2);
}

function dirname(path: string, levels: number): string {
  let out = path;
  for (let i = 0; i < levels; i++) out = out.replace(/[\\/][^\\/]*$/, "");
  return out;
}
