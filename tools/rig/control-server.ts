import { chmodSync, lstatSync, mkdtempSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { RigError } from "./rig-error.js";

/**
 * The rig's control channel: a Unix socket speaking JSON lines. Each request line is one object
 * (`{"action":"tap","card":"cup-debit"}`), each answer one line (`{"ok":true}` / `{"ok":false,"error":…}`),
 * in order, per connection. The socket is owner-only (0600, bound inside a private 0700 directory and
 * renamed into place, so there is no moment when another user could connect).
 */
export type ControlHandler = (
  request: Record<string, unknown>,
) => Promise<Record<string, unknown> | undefined>;

export interface ControlServer {
  readonly path: string;
  /** Stops listening, drops the connections and removes the socket file; idempotent. */
  close(): Promise<void>;
}

/** Longest request line (a script with a few thousand steps fits). */
export const MAX_CONTROL_LINE = 1 << 20;
/** sockaddr_un.sun_path holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;

export async function startControlServer(path: string, handler: ControlHandler): Promise<ControlServer> {
  await refuseLiveSocket(path);
  const privateDir = mkdtempSync(join(dirname(path), ".control-"));
  const bindPath = join(privateDir, "s");
  if (Buffer.byteLength(bindPath) > MAX_SOCKET_PATH) {
    rmdirSync(privateDir);
    throw new RigError(`control socket path too long for a Unix socket: ${path} (use a shorter --dir)`);
  }
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    serve(socket, handler);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(bindPath, () => {
        server.off("error", reject);
        resolve();
      });
    });
    chmodSync(bindPath, 0o600);
    renameSync(bindPath, path);
  } catch (error) {
    await closeServer(server);
    rmSync(privateDir, { recursive: true, force: true });
    throw new RigError(`cannot serve the control socket ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  rmSync(privateDir, { recursive: true, force: true });
  let closing: Promise<void> | undefined;
  return {
    path,
    close() {
      closing ??= (async () => {
        for (const socket of sockets) socket.destroy();
        await closeServer(server);
        rmSync(path, { force: true });
      })();
      return closing;
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/** A socket file left by a rig that died is removed; one a live rig answers on is refused. */
export async function refuseLiveSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new RigError(`${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (live) throw new RigError(`a rig is already running in ${dirname(path)}`);
  rmSync(path, { force: true });
}

/** Requests on one connection are handled one after another; answers go back in order. */
function serve(socket: Socket, handler: ControlHandler): void {
  let buffered = "";
  let queue = Promise.resolve();
  socket.setEncoding("utf8");
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_CONTROL_LINE && !buffered.includes("\n")) {
      socket.end(`${JSON.stringify({ ok: false, error: "request line too long" })}\n`);
      buffered = "";
      return;
    }
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line.length > 0) queue = queue.then(() => answer(socket, line, handler));
      newline = buffered.indexOf("\n");
    }
  });
}

async function answer(socket: Socket, line: string, handler: ControlHandler): Promise<void> {
  let reply: Record<string, unknown>;
  try {
    const request: unknown = JSON.parse(line);
    if (typeof request !== "object" || request === null || Array.isArray(request)) {
      throw new RigError("a request is a JSON object with an action");
    }
    reply = { ok: true, ...(await handler(request as Record<string, unknown>)) };
  } catch (error) {
    const message =
      error instanceof SyntaxError ? `request is not JSON: ${error.message}` : (error as Error).message;
    reply = { ok: false, error: message.replace(/\s*\n\s*/g, " ") };
  }
  if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
}
