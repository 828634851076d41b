import { afterEach, vi } from "vitest";
import { runPosctl } from "../../tools/posctl/program.js";

export interface PosctlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs `posctl <args…>` in-process through the same program the binary builds, capturing stdout,
 * stderr and the exit code. Call `resetExitCode()` once per test file (it registers an afterEach).
 */
export async function posctl(...args: string[]): Promise<PosctlResult> {
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
    await runPosctl(["node", "posctl", ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

/** Leaves process.exitCode clean after each test, so a failing command cannot fail the run. */
export function resetExitCode(): void {
  afterEach(() => {
    process.exitCode = undefined;
  });
}
