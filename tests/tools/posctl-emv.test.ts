import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { describe, expect, it, vi } from "vitest";
import { registerEmv } from "../../tools/posctl/commands/emv.js";
import { buildProgram } from "../../tools/posctl/program.js";
import { posctl, resetExitCode } from "../support/posctl.js";
import { useTempDirs } from "../support/temp-dir.js";
import { loadVectors } from "../support/vectors.js";

resetExitCode();
const tempDir = useTempDirs();

/**
 * Runs through the full program once the lead has wired registerEmv into commands/index.ts; until
 * then through a local program built the same way, so the command itself is what is tested.
 */
async function run(...args: string[]) {
  if (buildProgram().commands.some((c) => c.name() === "emv")) return posctl(...args);
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    const program = new Command("posctl")
      .exitOverride()
      .configureOutput({ writeErr: (t) => process.stderr.write(t) });
    registerEmv(program);
    await program.parseAsync(["node", "posctl", ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

interface Trace {
  name: string;
  apdus: { c: string; r: string | null }[];
}
const traces = loadVectors<Trace[]>("emv-public.json").filter((v) => v.name.startsWith("emv-utils-"));

function traceFile(content: unknown): string {
  const file = join(tempDir(), "trace.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("posctl emv trace", () => {
  it.each(traces.map((t) => [t.name, t] as const))("prints %s", async (_n, trace) => {
    const { stdout, stderr, exitCode } = await run("emv", "trace", traceFile({ apdus: trace.apdus }));
    expect(stderr).toBe("");
    expect(exitCode).toBe(0);
    expect(stdout.match(/^#\d+ > /gm)).toHaveLength(trace.apdus.length);
    expect(stdout).toMatch(/SELECT: by DF name/);
  });

  it("prints the candidate-list trace with names, TLV and status words", async () => {
    const trace = traces.find((t) => t.name === "emv-utils-aid-multi-partial-match-app-supported")!;
    const { stdout } = await run("emv", "trace", traceFile({ apdus: trace.apdus }));
    expect(stdout).toContain(
      "#6 > 00A4040207A000000004101000\n   SELECT: by DF name, next occurrence: A0000000041010 (Le 256)",
    );
    expect(stdout).toContain("84 Dedicated File (DF) Name (8): A000000004101020");
    expect(stdout).toContain('50 Application Label (9): 4D4320435245444954 "MC CREDIT"');
    expect(stdout).toContain("< 6A82 file or application not found");
  });

  it("masks the PAN unless --reveal", async () => {
    const file = traceFile({ apdus: [{ c: "00B2010C00", r: "700A5A0862284804025648909000" }] });
    expect((await run("emv", "trace", file)).stdout).toContain("622848******4890");
    expect((await run("emv", "trace", file, "--reveal")).stdout).toContain("6228480402564890");
  });

  it.each([
    ["missing file", () => join(tempDir(), "absent.json"), /cannot read trace/],
    ["not JSON", () => traceFile("{"), /not valid JSON/],
    ["wrong shape", () => traceFile({ apdu: [] }), /"apdus" array/],
    ["bad hex", () => traceFile({ apdus: [{ c: "00A4ZZ", r: "9000" }] }), /apdus\[0\]\.c/],
    ["short command", () => traceFile({ apdus: [{ c: "00A4", r: "9000" }] }), /CLA INS P1 P2/],
    ["response without SW", () => traceFile({ apdus: [{ c: "00A40400", r: "90" }] }), /status word/],
  ])("%s ⇒ exit 2 and one line", async (_n, makeFile, message) => {
    const { stdout, stderr, exitCode } = await run("emv", "trace", makeFile());
    expect(exitCode).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });
});
