import { spawn } from "node:child_process";
import { createHash } from "node:crypto";

/** Exit status of a remote `posctl board install` that refused the image (same as a serial verdict). */
export const REMOTE_EXIT_REFUSED = 3;

export type SshFailure = "unreachable" | "host-key" | "auth" | "remote-failed" | "refused";

/** Why an SSH flash failed; `kind` is stable for callers and tests. */
export class SshFlashError extends Error {
  override name = "SshFlashError";
  constructor(
    readonly kind: SshFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface SshFlashOptions {
  /** `user@host` or `host`. */
  target: string;
  imagePath: string;
  port?: number;
  identity?: string;
  /** The only known_hosts file trusted (host key checking stays strict either way). */
  knownHosts?: string;
  /** The board's incoming directory, where the image is copied before the install. */
  remoteIncoming: string;
  /** How to run posctl on the board, e.g. `node /opt/pos/current/dist/tools/posctl/main.js`. */
  remotePosctl: string;
  remoteConfig: string;
  /** Remote output as it arrives (stdout of `posctl board install`, then its stderr lines). */
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
  connectTimeoutS?: number;
}

export interface SshFlashResult {
  remotePath: string;
  /** What the board printed (its verdict line). */
  output: string;
}

/** Single-quotes a word for the remote shell: the path and config never get interpreted. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Options common to ssh and scp. BatchMode: no password prompts (a key or nothing);
 * StrictHostKeyChecking=yes: an unknown or changed host key is refused, never silently accepted.
 */
function commonOptions(options: SshFlashOptions): string[] {
  const args = [
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `ConnectTimeout=${options.connectTimeoutS ?? 10}`,
  ];
  if (options.identity) args.push("-o", "IdentitiesOnly=yes", "-i", options.identity);
  if (options.knownHosts) {
    args.push("-o", `UserKnownHostsFile=${options.knownHosts}`, "-o", "GlobalKnownHostsFile=/dev/null");
  }
  return args;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], onOutput?: SshFlashOptions["onOutput"]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      onOutput?.("stdout", chunk.toString("utf8"));
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? new SshFlashError("remote-failed", `${command} is not installed (apt-get install openssh-client)`)
          : error,
      ),
    );
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** ssh and scp both exit 255 when the connection itself failed: say which way, in the board's terms. */
function connectionFailure(target: string, stderr: string, options: SshFlashOptions): SshFlashError {
  // scp (SFTP mode) ends with its own "Connection closed": the cause is ssh's line before it.
  const lines = stderr
    .trim()
    .split("\n")
    .filter((line) => line && !/^(scp: )?Connection closed\.?$/.test(line.trim()));
  const detail = lines[0] ?? stderr.trim();
  if (/Host key verification failed|HOST IDENTIFICATION HAS CHANGED|host key .* is not known/i.test(stderr)) {
    return new SshFlashError(
      "host-key",
      `host key of ${target} is not trusted (unknown or changed in ${options.knownHosts ?? "~/.ssh/known_hosts"}): refused; check the board's fingerprint, then add it with ssh-keyscan`,
    );
  }
  if (/Permission denied|Too many authentication failures/i.test(stderr)) {
    return new SshFlashError(
      "auth",
      `authentication to ${target} failed: the board does not accept ${options.identity ? `key ${options.identity}` : "your keys"} (${detail})`,
    );
  }
  return new SshFlashError("unreachable", `cannot reach ${target}: ${detail || "ssh exited with 255"}`);
}

/**
 * `posctl flash --ssh`: copies the image into the board's incoming directory with scp, then runs
 * `posctl board install` there, which verifies it and stages it in the inactive slot on trial. The
 * board's verdict comes back as its output; a refusal is an SshFlashError of kind "refused".
 */
export async function flashOverSsh(options: SshFlashOptions, image: Buffer): Promise<SshFlashResult> {
  const target = options.target;
  const id = createHash("sha256").update(image).digest("hex").slice(0, 16);
  const remotePath = `${options.remoteIncoming.replace(/\/+$/, "")}/ssh-${id}.img`;
  const common = commonOptions(options);
  const port = options.port !== undefined ? String(options.port) : undefined;

  // No -q: it would also silence ssh's diagnostics, which say why a connection failed.
  const copy = await run("scp", [
    ...common,
    ...(port ? ["-P", port] : []),
    "--",
    options.imagePath,
    `${target}:${remotePath}`,
  ]);
  if (copy.code === 255) throw connectionFailure(target, copy.stderr, options);
  if (copy.code !== 0) {
    throw new SshFlashError(
      "remote-failed",
      `copying the image to ${target}:${remotePath} failed: ${copy.stderr.trim() || `scp exited with ${copy.code}`}`,
    );
  }

  const remoteCommand = [
    options.remotePosctl,
    "board",
    "install",
    "--config",
    shellQuote(options.remoteConfig),
    shellQuote(remotePath),
  ].join(" ");
  const install = await run(
    "ssh",
    [...common, ...(port ? ["-p", port] : []), "--", target, remoteCommand],
    options.onOutput,
  );
  if (install.stderr) options.onOutput?.("stderr", install.stderr);
  if (install.code === 255) throw connectionFailure(target, install.stderr, options);
  const verdict = (install.stdout + install.stderr).trim().split("\n").at(-1) ?? "";
  if (install.code === REMOTE_EXIT_REFUSED) {
    throw new SshFlashError("refused", `${target} refused the image: ${verdict}`);
  }
  if (install.code !== 0) {
    throw new SshFlashError(
      "remote-failed",
      `posctl board install on ${target} failed (exit ${install.code}): ${verdict || "no output"}`,
    );
  }
  return { remotePath, output: install.stdout };
}
