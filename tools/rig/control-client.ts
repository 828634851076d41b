import { connect } from "node:net";
import { join } from "node:path";
import { RigError } from "./rig-error.js";

/** No rig answers in that directory (no socket, or a socket nobody listens on). */
export class RigNotRunningError extends RigError {
  override name = "RigNotRunningError";
}

export type ControlReply = ({ ok: true } & Record<string, unknown>) | { ok: false; error: string };

export const CONTROL_SOCKET = "control.sock";

/** The control socket of the rig in `dir`. */
export function controlSocketPath(dir: string): string {
  return join(dir, CONTROL_SOCKET);
}

/**
 * Sends one request to the rig in `dir` and returns its answer. `timeoutMs` (default none) bounds the
 * wait for the answer: a script answers only once it has run.
 */
export function sendRigRequest(
  dir: string,
  request: Record<string, unknown>,
  options: { timeoutMs?: number } = {},
): Promise<ControlReply> {
  const path = controlSocketPath(dir);
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buffered = "";
    let settled = false;
    const finish = (error: Error | undefined, reply?: ControlReply) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply!);
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => finish(new RigError(`the rig in ${dir} did not answer`)), options.timeoutMs);
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      try {
        const reply = JSON.parse(buffered.slice(0, newline)) as ControlReply;
        if (typeof reply !== "object" || reply === null || typeof reply.ok !== "boolean") {
          throw new Error("not a rig answer");
        }
        finish(undefined, reply);
      } catch (error) {
        finish(new RigError(`the rig in ${dir} answered garbage: ${(error as Error).message}`));
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      const absent = error.code === "ENOENT" || error.code === "ECONNREFUSED" || error.code === "ENOTDIR";
      finish(
        absent
          ? new RigNotRunningError(`no rig running in ${dir} (start one with: posctl rig start --dir ${dir})`)
          : new RigError(`cannot reach the rig in ${dir}: ${error.code ?? error.message}`),
      );
    });
    socket.on("close", () =>
      finish(new RigError(`the rig in ${dir} closed the connection without answering`)),
    );
  });
}
