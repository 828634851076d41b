import { createServer, type Server, type Socket } from "node:net";
import { EcrTcpDecoder, encodeEcrTcpFrame } from "../../protocol/ecr/index.js";
import type { EcrConnection, EcrConnectionSink } from "./ecr-connection.js";

export interface ListenAddress {
  host: string;
  port: number;
}

/** ECR over TCP: 4-byte big-endian length + JSON per message, any number of sale systems connected. */
export class EcrTcpTransport {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private nextId = 1;

  constructor(private readonly sink: EcrConnectionSink) {}

  async listen(address: ListenAddress): Promise<ListenAddress> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(address.port, address.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const bound = server.address();
    if (bound === null || typeof bound === "string") return address;
    return { host: bound.address, port: bound.port };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new EcrTcpDecoder();
    const connection: EcrConnection = {
      id: `tcp-${this.nextId++}`,
      transport: "tcp",
      get isOpen() {
        return !socket.destroyed && socket.writable;
      },
      send: (json) =>
        new Promise((resolve, reject) => {
          if (socket.destroyed) return reject(new Error("connection closed"));
          socket.write(encodeEcrTcpFrame(Buffer.from(json, "utf8")), (error) =>
            error ? reject(error) : resolve(),
          );
        }),
    };
    socket.on("data", (chunk) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch {
        // A bad length cannot be resynchronised: the peer does not speak this framing.
        socket.destroy();
        return;
      }
      for (const frame of frames) this.sink.receive(connection, frame);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.sockets.delete(socket);
      decoder.reset();
      this.sink.closed(connection);
    });
  }
}
