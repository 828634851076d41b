import { connect, type Socket } from "node:net";
import { WebSocket } from "ws";
import { openSerialLink } from "../../drivers/link/serial-link.js";
import { EcrLinkError, EcrSerialChannel } from "../../firmware/ecr/index.js";
import { EcrTcpDecoder, encodeEcrTcpFrame } from "../../protocol/ecr/index.js";

/** Where the terminal's ECR endpoint is: a serial port (pty) path, a TCP address or a ws:// URL. */
export type EcrTarget =
  | { serial: string; baudRate?: number; ackTimeoutMs?: number; maxResends?: number }
  | { tcp: { host: string; port: number } }
  | { ws: string };

/** One message-oriented link to the terminal, whatever the transport. */
export interface ClientPipe {
  send(json: string): Promise<void>;
  onMessage(listener: (payload: Buffer | string) => void): void;
  onClose(listener: () => void): void;
  /** Closes gracefully (serial: closes the port; TCP: end; WS: close frame). */
  close(): Promise<void>;
  /** Drops the link at once, as a pulled cable or a crashed register would. */
  destroy(): void;
}

export async function openClientPipe(target: EcrTarget): Promise<ClientPipe> {
  if ("serial" in target) return serialPipe(target);
  if ("tcp" in target) return tcpPipe(target.tcp);
  return wsPipe(target.ws);
}

async function serialPipe(target: Extract<EcrTarget, { serial: string }>): Promise<ClientPipe> {
  const link = await openSerialLink({ path: target.serial, baudRate: target.baudRate ?? 115200 });
  const listeners: ((payload: Buffer) => void)[] = [];
  const channel = new EcrSerialChannel(link, {
    onFrame: (json) => {
      for (const listener of listeners) listener(json);
    },
    ...(target.ackTimeoutMs !== undefined ? { ackTimeoutMs: target.ackTimeoutMs } : {}),
    ...(target.maxResends !== undefined ? { maxResends: target.maxResends } : {}),
  });
  return {
    send: (json) => channel.send(Buffer.from(json, "utf8")),
    onMessage: (listener) => listeners.push(listener),
    onClose: (listener) => link.onClose(() => listener()),
    close: () => channel.close(),
    destroy: () => void channel.close(),
  };
}

async function tcpPipe(address: { host: string; port: number }): Promise<ClientPipe> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect(address.port, address.host);
    s.once("connect", () => {
      s.off("error", reject);
      resolve(s);
    });
    s.once("error", (error) =>
      reject(
        new EcrLinkError(`cannot connect to ${address.host}:${address.port}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
  });
  socket.setNoDelay(true);
  socket.on("error", () => undefined);
  const decoder = new EcrTcpDecoder();
  return {
    send: (json) =>
      new Promise((resolve, reject) => {
        if (socket.destroyed) return reject(new EcrLinkError("connection closed"));
        socket.write(encodeEcrTcpFrame(Buffer.from(json, "utf8")), (error) =>
          error ? reject(error) : resolve(),
        );
      }),
    onMessage: (listener) =>
      socket.on("data", (chunk) => {
        try {
          for (const frame of decoder.push(chunk)) listener(frame);
        } catch {
          socket.destroy();
        }
      }),
    onClose: (listener) => socket.on("close", () => listener()),
    close: () =>
      new Promise((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once("close", () => resolve());
        socket.end();
      }),
    destroy: () => socket.destroy(),
  };
}

async function wsPipe(url: string): Promise<ClientPipe> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", (error) =>
      reject(new EcrLinkError(`cannot connect to ${url}: ${error.message}`, { cause: error })),
    );
  });
  ws.on("error", () => undefined);
  return {
    send: (json) =>
      new Promise((resolve, reject) => ws.send(json, (error) => (error ? reject(error) : resolve()))),
    onMessage: (listener) =>
      ws.on("message", (data, isBinary) => {
        if (!isBinary) listener(String(data));
      }),
    onClose: (listener) => ws.on("close", () => listener()),
    close: () =>
      new Promise((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once("close", () => resolve());
        ws.close();
      }),
    destroy: () => ws.terminate(),
  };
}
