import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { flashOverSsh, SshFlashError } from "../../board/index.js";
import { barView, lineView, sendImage } from "../../flash/index.js";
import { action, UsageError } from "../cli-error.js";
import { integerFlag, requireFlag } from "../options.js";

interface FlashOptions {
  port?: string;
  baud?: string;
  blockSize?: string;
  retryFor?: string;
  timeout?: string;
  restart?: boolean;
  ssh?: string;
  sshPort?: string;
  identity?: string;
  knownHosts?: string;
  remoteDir?: string;
  remoteConfig?: string;
  remotePosctl?: string;
}

/** Exit status when the SSH path failed before a verdict: host unreachable, host key refused, auth. */
export const EXIT_SSH = 4;

/** Exit status when the terminal answered with a verdict other than ok (bad hash, refused). */
export const EXIT_VERDICT = 3;

/** "60s", "2m", "500ms" or bare seconds → milliseconds. */
export function durationFlag(text: string, flag: string): number {
  const match = /^([0-9]{1,6})(ms|s|m)?$/.exec(text);
  if (!match) throw new UsageError(`${flag} must be a duration such as 60s, 2m or 500ms`);
  const value = Number(match[1]);
  return match[2] === "ms" ? value : match[2] === "m" ? value * 60_000 : value * 1000;
}

function readImage(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read image ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
}

/** The network path: the board verifies and stages the image itself; its verdict is printed here. */
async function flashSsh(imagePath: string, options: FlashOptions): Promise<void> {
  const target = options.ssh ?? "";
  if (!/^([A-Za-z0-9._-]+@)?[A-Za-z0-9.:_-]+$/.test(target)) {
    throw new UsageError("--ssh must be user@host or host");
  }
  const port = integerFlag(options.sshPort ?? "22", "--ssh-port", { min: 1, max: 65535 });
  const image = readImage(imagePath);
  if (image.length === 0) throw new UsageError(`image ${imagePath} is empty`);
  try {
    const result = await flashOverSsh(
      {
        target,
        imagePath,
        port,
        ...(options.identity ? { identity: options.identity } : {}),
        ...(options.knownHosts ? { knownHosts: options.knownHosts } : {}),
        remoteIncoming: options.remoteDir ?? "/var/lib/pos/incoming",
        remoteConfig: options.remoteConfig ?? "/etc/pos/board.json",
        remotePosctl: options.remotePosctl ?? "node /opt/pos/current/dist/tools/posctl/main.js",
      },
      image,
    );
    process.stdout.write(`${target}: ${result.output.trim()}\n`);
  } catch (error) {
    if (!(error instanceof SshFlashError)) throw error;
    process.stderr.write(`posctl: ${error.message}\n`);
    process.exitCode = error.kind === "refused" ? EXIT_VERDICT : EXIT_SSH;
  }
}

/** `posctl flash`: sends a firmware image to a dev kit over its serial port (resumable). */
export function registerFlash(program: Command): void {
  program
    .command("flash")
    .description("send an image to a dev kit over a serial link (framed, CRC-checked, resumable)")
    .argument("<image>", "image file (e.g. from posctl image build)")
    .option("--port <path>", "serial device, e.g. /dev/ttyUSB0 or /dev/pos/console")
    .option("--baud <rate>", "baud rate", "115200")
    .option("--block-size <bytes>", "DATA block size, 1..8192", "1024")
    .option("--retry-for <duration>", "how long to wait for a lost port to come back", "60s")
    .option("--timeout <duration>", "reply timeout before a block is resent", "2s")
    .option("--restart", "replace a transfer in progress on the terminal, even of another image")
    .option("--ssh <user@host>", "network path: scp the image to the board, install it there over ssh")
    .option("--ssh-port <port>", "with --ssh: the board's SSH port", "22")
    .option("--identity <file>", "with --ssh: private key to log in with")
    .option(
      "--known-hosts <file>",
      "with --ssh: known_hosts file holding the board's host key (checking is always strict)",
    )
    .option("--remote-dir <dir>", "with --ssh: the board's incoming directory", "/var/lib/pos/incoming")
    .option("--remote-config <file>", "with --ssh: the board config on the board", "/etc/pos/board.json")
    .option(
      "--remote-posctl <command>",
      "with --ssh: how to run posctl on the board",
      "node /opt/pos/current/dist/tools/posctl/main.js",
    )
    .action(
      action(async (imagePath: string, options: FlashOptions) => {
        if (options.ssh !== undefined) {
          if (options.port !== undefined) throw new UsageError("give --port or --ssh, not both");
          await flashSsh(imagePath, options);
          return;
        }
        const port = requireFlag(options.port, "--port");
        const baudRate = integerFlag(options.baud ?? "115200", "--baud", { min: 50, max: 4_000_000 });
        const blockSize = integerFlag(options.blockSize ?? "1024", "--block-size", { min: 1, max: 8192 });
        const retryForMs = durationFlag(options.retryFor ?? "60s", "--retry-for");
        const replyTimeoutMs = durationFlag(options.timeout ?? "2s", "--timeout");
        const image = readImage(imagePath);
        if (image.length === 0) throw new UsageError(`image ${imagePath} is empty`);
        const view = process.stdout.isTTY
          ? barView(process.stdout)
          : lineView((line) => process.stdout.write(`${line}\n`));
        let result: Awaited<ReturnType<typeof sendImage>>;
        try {
          result = await sendImage({
            open: () => openSerialLink({ path: port, baudRate }),
            image,
            blockSize,
            retryForMs,
            replyTimeoutMs,
            restart: options.restart ?? false,
            onProgress: (progress) => view.update(progress),
          });
        } finally {
          view.stop();
        }
        const seconds = result.elapsedMs / 1000;
        const rate = Math.round(result.dataBytesSent / Math.max(seconds, 0.001));
        process.stdout.write(
          `verdict: ${result.verdict}: ${result.reason} (${result.dataBytesSent} data bytes sent in ${seconds.toFixed(1)} s, ${rate} B/s, ${result.resends} resends, ${result.reconnects} reconnects)\n`,
        );
        if (result.verdict !== "ok") process.exitCode = EXIT_VERDICT;
      }),
    );
}
