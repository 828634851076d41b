import { connect as netConnect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { CellularModem } from "../../../drivers/modem/cellular-modem.js";
import { SocketClosedError } from "../../../drivers/modem/modem-errors.js";
import { ModemSocket } from "../../../drivers/modem/modem-socket.js";
import { AcquirerDisconnectedError, AcquirerLink, modemConnector } from "../../../firmware/acquirer/index.js";
import { cupSpec } from "../../../protocol/iso8583/cup/spec.js";
import { pack } from "../../../protocol/iso8583/message.js";
import { HEADER, TERMINAL_ID, TPDU, useLoopbackHosts } from "./loopback-host.js";

const hosts = useLoopbackHosts();
const links: AcquirerLink[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
});

/**
 * A modem whose "module TCP stack" is a loopback socket: QISEND writes to it, received bytes wait in
 * the module buffer until QIRD, the peer closing raises `+QIURC: "closed"`. SIM and PDP always ready.
 */
function loopbackModem(): CellularModem & { opened: { host: string; port: number; signal: boolean }[] } {
  const unused = () => Promise.reject(new Error("not used by the acquirer link"));
  const opened: { host: string; port: number; signal: boolean }[] = [];
  return {
    opened,
    checkSim: () => Promise.resolve(),
    registration: unused,
    signalQuality: unused,
    activatePdp: () => Promise.resolve({ context: 1, ip: "10.64.12.7" }),
    close: () => Promise.resolve(),
    async openSocket(host, port, call) {
      opened.push({ host, port, signal: call?.signal !== undefined });
      const tcp: Socket = netConnect({ host, port });
      await new Promise<void>((resolve, reject) => tcp.once("connect", resolve).once("error", reject));
      const moduleBuffer: Buffer[] = [];
      const socket = new ModemSocket(0, {
        send: async (_id, data) => {
          tcp.write(data);
        },
        read: async () => Buffer.concat(moduleBuffer.splice(0)),
        close: async () => {
          tcp.destroy();
        },
      });
      tcp.on("data", (chunk: Buffer) => {
        moduleBuffer.push(chunk);
        socket.dataAvailable();
      });
      tcp.on("error", () => {});
      tcp.on("close", () =>
        socket.terminate(new SocketClosedError("modem", "socket 0 closed"), {
          readBuffered: true,
          onModule: false,
        }),
      );
      return socket;
    },
  };
}

const echo = (stan: string) => pack(cupSpec, { mti: "0820", fields: { 11: stan, 41: TERMINAL_ID } });
const expectEcho = (stan: string) => ({ mti: "0830", stan, terminalId: TERMINAL_ID });

describe("modemConnector", () => {
  it("carries exchanges over the modem's socket (ModemSocket is used as the Duplex directly)", async () => {
    const host = await hosts.tcp((req, h) => h.reply(req));
    const modem = loopbackModem();
    const link = new AcquirerLink({
      connect: modemConnector(modem, "127.0.0.1", host.port),
      tpdu: TPDU,
      header: HEADER,
      connectTimeoutMs: 2000,
      responseTimeoutMs: 2000,
    });
    links.push(link);
    expect((await link.exchange(echo("000001"), expectEcho("000001"))).message.fields[39]).toBe("00");
    expect((await link.exchange(echo("000002"), expectEcho("000002"))).message.fields[11]).toBe("000002");
    expect(modem.opened).toEqual([{ host: "127.0.0.1", port: host.port, signal: true }]);
  });

  it("the network closing the modem socket mid-request is a disconnect with sent: true", async () => {
    const host = await hosts.tcp((req) => req.socket.destroy());
    const link = new AcquirerLink({
      connect: modemConnector(loopbackModem(), "127.0.0.1", host.port),
      tpdu: TPDU,
      header: HEADER,
      connectTimeoutMs: 2000,
      responseTimeoutMs: 2000,
    });
    links.push(link);
    const error = await link.exchange(echo("000003"), expectEcho("000003")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AcquirerDisconnectedError);
    expect((error as AcquirerDisconnectedError).sent).toBe(true);
    expect((error as AcquirerDisconnectedError).cause).toBeInstanceOf(SocketClosedError);
  });
});
