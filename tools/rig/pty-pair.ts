import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";

/**
 * A pseudo-terminal pair made by socat: the driver opens `hostPath`, the emulator `devicePath`, and
 * bytes cross as on a null-modem cable (no modem lines: ptys do not carry DTR/RTS). For process-level
 * runs and manual testing; in-process tests use the EmulatedBinding instead.
 *
 * Quirk (node-serialport's Linux poller on ptys): when the pair vanishes, a reading end does not
 * always see the hang-up; its next write fails with EIO, which the serial link reports as a
 * disconnection. Device sessions do not rely on either: a silent port also ends in a command timeout.
 */
export interface PtyPair {
  hostPath: string;
  devicePath: string;
  /** The socat process; stop() ends it, and both ends see the port vanish. */
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export class PtyPairError extends Error {
  override name = "PtyPairError";
}

/** Starts `socat pty,raw,echo=0,link=hostPath pty,raw,echo=0,link=devicePath` and waits for both links. */
export async function openPtyPair(hostPath: string, devicePath: string, timeoutMs = 5_000): Promise<PtyPair> {
  const child = spawn("socat", [`pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${devicePath}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new PtyPairError(
          error.code === "ENOENT"
            ? "socat is not installed (apt-get install socat)"
            : `socat: ${error.message}`,
        ),
      ),
    );
    void exited.then((code) => reject(new PtyPairError(`socat exited (${code}): ${stderr.trim()}`)));
  });
  const ready = (async () => {
    const deadline = Date.now() + timeoutMs;
    while (!(existsSync(hostPath) && existsSync(devicePath))) {
      if (Date.now() > deadline) throw new PtyPairError(`socat did not create ${hostPath} and ${devicePath}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (error) {
    child.kill();
    throw error;
  }
  failed.catch(() => {});
  return {
    hostPath,
    devicePath,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The /dev/pts/N a pair's link points at (for messages; drivers open the stable link path). */
export function ptyTarget(path: string): string {
  return realpathSync(path);
}
