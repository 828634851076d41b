import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** The design's one rule about layers: protocol ← drivers ← firmware; tools may use all three. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FORBIDDEN: Record<string, string[]> = {
  protocol: ["drivers", "firmware", "tools"],
  drivers: ["firmware", "tools"],
  firmware: ["tools"],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

describe("layering", () => {
  for (const [layer, forbidden] of Object.entries(FORBIDDEN)) {
    it(`${layer}/ imports nothing from ${forbidden.join(", ")}`, () => {
      const violations: string[] = [];
      for (const file of sources(join(root, layer))) {
        const text = readFileSync(file, "utf8");
        for (const match of text.matchAll(/from\s+"(\.[^"]+)"|import\(\s*"(\.[^"]+)"/g)) {
          const target = relative(root, resolve(dirname(file), match[1] ?? match[2]!));
          const top = target.split("/")[0]!;
          if (forbidden.includes(top)) violations.push(`${relative(root, file)} → ${target}`);
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it("protocol/ does no I/O and keeps no timers", () => {
    const offenders = sources(join(root, "protocol")).filter((file) =>
      /from\s+"node:(fs|net|tls|child_process|dgram|http|https)"|\bset(Timeout|Interval|Immediate)\(/.test(
        readFileSync(file, "utf8"),
      ),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });
});
