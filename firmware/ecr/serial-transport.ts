import type { ByteLink, LinkOpener } from "../../drivers/link/byte-link.js";
import type { EcrConnection, EcrConnectionSink } from "./ecr-connection.js";
import { EcrSerialChannel, type EcrSerialStats } from "./serial-channel.js";

export interface EcrSerialOptions {
  /** Opens the port (by its configured path: openSerialLink({path, baudRate})). */
  open: LinkOpener;
  ackTimeoutMs?: number;
  maxResends?: number;
}

/** ECR over one serial port: exactly one sale system at the other end of the cable. */
export class EcrSerialTransport {
  private channel: EcrSerialChannel | undefined;

  constructor(private readonly sink: EcrConnectionSink) {}

  get stats(): EcrSerialStats | undefined {
    return this.channel?.stats;
  }

  async open(options: EcrSerialOptions): Promise<void> {
    const link: ByteLink = await options.open();
    let channel: EcrSerialChannel | undefined;
    const connection: EcrConnection = {
      id: "serial",
      transport: "serial",
      get isOpen() {
        return link.isOpen;
      },
      send: (json) => channel!.send(Buffer.from(json, "utf8")),
    };
    channel = new EcrSerialChannel(link, {
      onFrame: (json) => this.sink.receive(connection, json),
      ...(options.ackTimeoutMs !== undefined ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
      ...(options.maxResends !== undefined ? { maxResends: options.maxResends } : {}),
    });
    link.onClose(() => this.sink.closed(connection));
    this.channel = channel;
  }

  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close();
  }
}
