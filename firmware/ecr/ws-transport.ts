import { type WebSocket, WebSocketServer } from "ws";
import type { EcrConnection, EcrConnectionSink } from "./ecr-connection.js";
import type { ListenAddress } from "./tcp-transport.js";

/** Largest WebSocket message accepted (same bound as the TCP frame). */
const MAX_PAYLOAD = 1024 * 1024;

/** ECR over WebSocket: one JSON text message per frame; binary frames are refused (close 1003). */
export class EcrWsTransport {
  private server: WebSocketServer | undefined;
  private nextId = 1;

  constructor(private readonly sink: EcrConnectionSink) {}

  async listen(address: ListenAddress & { path?: string }): Promise<ListenAddress> {
    const server = new WebSocketServer({
      host: address.host,
      port: address.port,
      maxPayload: MAX_PAYLOAD,
      ...(address.path ? { path: address.path } : {}),
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.once("listening", () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("connection", (ws) => this.accept(ws));
    const bound = server.address();
    if (bound === null || typeof bound === "string") return address;
    return { host: bound.address, port: bound.port };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    const connection: EcrConnection = {
      id: `ws-${this.nextId++}`,
      transport: "ws",
      get isOpen() {
        return ws.readyState === ws.OPEN;
      },
      send: (json) =>
        new Promise((resolve, reject) => {
          if (ws.readyState !== ws.OPEN) return reject(new Error("connection closed"));
          ws.send(json, (error) => (error ? reject(error) : resolve()));
        }),
    };
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        ws.close(1003, "ECR messages are JSON text frames");
        return;
      }
      this.sink.receive(
        connection,
        Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(data as Buffer[]).toString("utf8"),
      );
    });
    ws.on("error", () => undefined);
    ws.on("close", () => this.sink.closed(connection));
  }
}
