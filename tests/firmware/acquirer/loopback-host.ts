import { once } from "node:events";
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, Server as TlsServer } from "node:tls";
import { afterEach } from "vitest";
import { LengthPrefixDecoder } from "../../../protocol/framing/length-prefix.js";
import { type CupFrame, packFrame, unpackFrameBody } from "../../../protocol/iso8583/cup/frame.js";
import type { CupHeader } from "../../../protocol/iso8583/cup/header.js";
import { replyTpdu, type Tpdu } from "../../../protocol/iso8583/cup/tpdu.js";
import type { Iso8583Message } from "../../../protocol/iso8583/spec.js";

export const TPDU: Tpdu = { destination: "0003", source: "0000" };
export const HEADER: CupHeader = {
  applicationType: "60",
  specVersion: "31",
  terminalStatus: 0,
  processingRequirement: 0,
  softwareVersion: "000000",
};
export const TERMINAL_ID = "12345678";

/** A request as the scripted host saw it. */
export interface HostRequest {
  frame: CupFrame;
  message: Iso8583Message;
  /** 0-based index of the connection it came on. */
  connection: number;
  socket: Socket;
}

export type HostScript = (request: HostRequest, host: LoopbackHost) => void;

/** Timeline of what the host saw and did, for ordering assertions. */
export type HostLogEntry = `${"recv" | "reply" | "open" | "close"} ${string}`;

/** The response frame a well-behaved host sends: MTI + 10, 11 and 41 echoed, 39, addresses swapped. */
export function responseFrame(
  request: CupFrame,
  options: { fields?: Record<number, string>; mti?: string; header?: Partial<CupHeader> } = {},
): Buffer {
  const mti = options.mti ?? `${request.message.mti.slice(0, 2)}${Number(request.message.mti[2]) + 1}0`;
  const fields: Record<number, string> = { 39: "00", ...options.fields };
  for (const f of [11, 41]) {
    if (fields[f] === undefined && request.message.fields[f] !== undefined)
      fields[f] = request.message.fields[f]!;
  }
  return packFrame({
    tpdu: replyTpdu(request.tpdu),
    header: { ...request.header, ...options.header },
    message: { mti, fields },
  });
}

/** A scripted acquirer host on 127.0.0.1 (TCP or TLS) that parses requests and lets the test answer. */
export class LoopbackHost {
  readonly requests: HostRequest[] = [];
  readonly sockets: Socket[] = [];
  readonly log: HostLogEntry[] = [];
  port = 0;

  constructor(
    readonly server: Server,
    private readonly script: HostScript,
  ) {
    server.on(server instanceof TlsServer ? "secureConnection" : "connection", (s: Socket) => this.accept(s));
  }

  private accept(socket: Socket): void {
    const index = this.sockets.length;
    this.sockets.push(socket);
    this.log.push(`open ${index}`);
    const decoder = new LengthPrefixDecoder();
    socket.on("error", () => {});
    socket.on("close", () => this.log.push(`close ${index}`));
    socket.on("data", (chunk: Buffer) => {
      for (const body of decoder.push(chunk)) {
        const frame = unpackFrameBody(body);
        const request: HostRequest = { frame, message: frame.message, connection: index, socket };
        this.requests.push(request);
        this.log.push(`recv ${frame.message.fields[11]}`);
        this.script(request, this);
      }
    });
  }

  /** Sends a reply for `request` (default: approve) and logs it. */
  reply(request: HostRequest, options: Parameters<typeof responseFrame>[1] = {}): void {
    this.log.push(`reply ${options.fields?.[11] ?? request.message.fields[11]}`);
    request.socket.write(responseFrame(request.frame, options));
  }

  async listen(): Promise<number> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Hosts started in a test are always closed after it. */
export function useLoopbackHosts() {
  const hosts: LoopbackHost[] = [];
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.close()));
  });
  return {
    async tcp(script: HostScript): Promise<LoopbackHost> {
      const host = new LoopbackHost(createTcpServer(), script);
      hosts.push(host);
      await host.listen();
      return host;
    },
    async tls(script: HostScript, credentials: { cert: string; key: string }): Promise<LoopbackHost> {
      const host = new LoopbackHost(createTlsServer(credentials), script);
      hosts.push(host);
      await host.listen();
      return host;
    },
  };
}

/** A port nothing listens on: bound then released. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
