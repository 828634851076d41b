import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The shipped posctl is the compiled JavaScript (npm test builds it first): boards run plain JS.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(root, "dist", "tools", "posctl", "main.js");

function run(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("the compiled posctl binary", () => {
  it("is built", () => {
    expect(existsSync(bin), `${bin} missing: run npm run build`).toBe(true);
  });

  it("decodes a message and exits 0", () => {
    const result = run(
      "iso8583",
      "decode",
      "08000020000000C00012000105303030303037363431313130303030303131313130303200110000000100300003303031",
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).mti).toBe("0800");
  });

  it("answers bad input with exit 2 and exactly one line on stderr, no stack trace", () => {
    for (const args of [
      ["iso8583", "decode", "0800"],
      ["tlv", "decode", "9F26"],
      ["crypto", "kcv", "--key", "XYZ"],
      ["nonsense"],
    ]) {
      const result = run(...args);
      expect(result.status, args.join(" ")).toBe(2);
      const lines = result.stderr.trim().split("\n");
      expect(lines, args.join(" ")).toHaveLength(1);
      expect(lines[0]).toMatch(/^posctl: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
