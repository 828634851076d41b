import { createServer, type Server } from "node:net";
import type { Duplex } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DeviceCancelledError, DeviceTimeoutError } from "../../../drivers/core/device-error.js";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import {
  ModuleResetError,
  NotRegisteredError,
  PdpActivationError,
  PdpDeactivatedError,
  SendFailedError,
  SimLockedError,
  SimMissingError,
  SocketClosedError,
  SocketOpenError,
} from "../../../drivers/modem/modem-errors.js";
import { openModemStatus } from "../../../drivers/modem/modem-status.js";
import { type ModemNotice, QuectelModem } from "../../../drivers/modem/quectel-modem.js";
import { EmulatedBinding } from "../../../tools/rig/emulated-binding.js";
import { type ModemFault, QuectelEmulator } from "../../../tools/rig/emulators/modem/quectel-emulator.js";
import { type FaultPlan, withFaults } from "../../../tools/rig/fault-plan.js";
import { ManualClock } from "../../support/manual-clock.js";

let echoServer: Server;
let echoPort = 0;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  echoServer = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echoServer.listen(0, "127.0.0.1", resolve));
  echoPort = (echoServer.address() as { port: number }).port;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

afterAll(async () => {
  await new Promise<void>((resolve) => echoServer.close(() => resolve()));
});

async function rig(faults: ModemFault[] = [], options: { linkFaults?: FaultPlan; accessMode?: 0 | 1 } = {}) {
  const emulator = new QuectelEmulator({ faults });
  const clock = new ManualClock();
  let opens = 0;
  const opener = async (): Promise<ByteLink> => {
    opens++;
    const { host, device } = createMemoryLinkPair("modem");
    emulator.attach(options.linkFaults ? withFaults(device, options.linkFaults) : device);
    return host;
  };
  const notices: ModemNotice[] = [];
  const modem = await QuectelModem.open({
    opener,
    clock,
    ...(options.accessMode ? { accessMode: options.accessMode } : {}),
  });
  modem.onNotice((notice) => notices.push(notice));
  cleanups.push(async () => {
    await modem.close();
    emulator.stop();
  });
  return { emulator, clock, modem, notices, opens: () => opens };
}

function readBytes(stream: Duplex, count: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= count) {
        stream.off("data", onData);
        stream.off("error", reject);
        stream.pause();
        resolve(Buffer.concat(chunks));
      }
    };
    stream.on("data", onData);
    stream.once("error", reject);
  });
}

function streamError(stream: Duplex): Promise<Error> {
  return new Promise((resolve) => stream.once("error", resolve));
}

/** An ISO 8583-like request whose bytes look like AT traffic: "\r\nOK\r\n", a URC, a prompt, all byte values. */
const request = Buffer.concat([
  Buffer.from("\x00\x2e60000000000200", "latin1"),
  Buffer.from('\r\nOK\r\n+QIURC: "closed",0\r\n> ', "latin1"),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
]);

const sent = (emulator: QuectelEmulator, line: string) =>
  vi.waitFor(() => expect(emulator.received).toContain(line), { timeout: 2000, interval: 2 });

describe("QuectelModem: init, SIM, registration, signal", () => {
  it("runs the init sequence: echo off, verbose errors", async () => {
    const { emulator } = await rig();
    expect(emulator.received.slice(0, 2)).toEqual(["ATE0", "AT+CMEE=2"]);
    expect(emulator.state).toMatchObject({ echo: false, cmee: 2 });
  });

  it("checkSim: READY resolves; missing and locked SIMs are typed errors", async () => {
    await expect((await rig()).modem.checkSim()).resolves.toBeUndefined();
    await expect((await rig([{ kind: "sim-missing" }])).modem.checkSim()).rejects.toBeInstanceOf(
      SimMissingError,
    );
    const locked = (await rig([{ kind: "sim-locked" }])).modem.checkSim();
    await expect(locked).rejects.toBeInstanceOf(SimLockedError);
    await expect(locked).rejects.toMatchObject({ state: "SIM PIN" });
    await expect(
      (await rig([{ kind: "sim-locked", state: "SIM PUK" }])).modem.checkSim(),
    ).rejects.toMatchObject({
      state: "SIM PUK",
    });
  });

  it("signalQuality: rssi in dBm; CSQ 99 is unknown", async () => {
    await expect((await rig()).modem.signalQuality()).resolves.toMatchObject({ rssiDbm: -65, ber: 0 });
    await expect((await rig([{ kind: "csq-unknown" }])).modem.signalQuality()).resolves.toMatchObject({
      rssiDbm: undefined,
      ber: undefined,
    });
  });

  it("registration: home; denied and searching are reported, and block PDP activation", async () => {
    await expect((await rig()).modem.registration()).resolves.toMatchObject({
      status: "home",
      registered: true,
    });
    const denied = await rig([{ kind: "not-registered", stat: 3 }]);
    await expect(denied.modem.registration()).resolves.toMatchObject({ status: "denied", registered: false });
    await expect(denied.modem.activatePdp({ apn: "CMNET" })).rejects.toBeInstanceOf(NotRegisteredError);
    const searching = await rig([{ kind: "not-registered", stat: 2 }]);
    await expect(searching.modem.activatePdp({ apn: "CMNET" })).rejects.toMatchObject({
      status: "searching",
    });
  });

  it("a URC between a command's information line and its OK is dispatched, the reply stays intact", async () => {
    const { modem, notices } = await rig([
      { kind: "urc-before-ok", command: "AT+CSQ", urc: "+CPIN: NOT READY" },
    ]);
    await expect(modem.signalQuality()).resolves.toMatchObject({ rssiDbm: -65 });
    expect(notices).toContainEqual({ type: "sim", state: "NOT READY" });
  });

  it("status-only mode (modem as a network interface) exposes status methods only", async () => {
    const emulator = new QuectelEmulator();
    const status = await openModemStatus({
      opener: async () => {
        const { host, device } = createMemoryLinkPair("modem-at");
        emulator.attach(device);
        return host;
      },
      clock: new ManualClock(),
    });
    await expect(status.signalQuality()).resolves.toMatchObject({ rssiDbm: -65 });
    await expect(status.checkSim()).resolves.toBeUndefined();
    expect("openSocket" in status).toBe(false);
    await status.close();
  });
});

describe("QuectelModem: PDP context", () => {
  it("QICSGP + QIACT, then the address from QIACT?", async () => {
    const { modem, emulator } = await rig();
    await expect(modem.activatePdp({ apn: "CMNET" })).resolves.toEqual({ context: 1, ip: "10.64.12.7" });
    expect(emulator.state).toMatchObject({ apn: "CMNET", pdpActive: true });
    expect(emulator.received).toContain('AT+QICSGP=1,1,"CMNET","","",0');
  });

  it("QIACT ERROR → PdpActivationError with the QIGETERROR code (561)", async () => {
    const { modem } = await rig([{ kind: "qiact-error", code: 561 }]);
    const result = modem.activatePdp({ apn: "CMNET" });
    await expect(result).rejects.toBeInstanceOf(PdpActivationError);
    await expect(result).rejects.toMatchObject({ code: 561 });
  });

  it("QIACT times out after 150 s; its late reply never answers the next command", async () => {
    const { modem, emulator, clock } = await rig([{ kind: "qiact-timeout" }]);
    const activation = modem.activatePdp({ apn: "CMNET" });
    activation.catch(() => {});
    await sent(emulator, "AT+QIACT=1");
    clock.advance(149_999);
    await Promise.resolve();
    clock.advance(1);
    await expect(activation).rejects.toBeInstanceOf(DeviceTimeoutError);
    emulator.setFaults([]);
    const quality = modem.signalQuality();
    // The busy module queues the resync probe; nothing answers until QIACT's late result.
    await vi.waitFor(() => expect(emulator.queuedWhileBusy).toBeGreaterThan(0), {
      timeout: 2000,
      interval: 2,
    });
    emulator.releaseHeld(); // the module now answers ERROR to QIACT, then the probe, then our command
    await expect(quality).resolves.toMatchObject({ rssiDbm: -65 });
    expect(modem.counters?.staleFinals).toBeGreaterThanOrEqual(1);
    expect(modem.counters?.resyncs).toBe(1);
  });

  it("cancelling a long QIACT through AbortSignal", async () => {
    const { modem, emulator } = await rig([{ kind: "qiact-timeout" }]);
    const abort = new AbortController();
    const activation = modem.activatePdp({ apn: "CMNET" }, { signal: abort.signal });
    activation.catch(() => {});
    await sent(emulator, "AT+QIACT=1");
    abort.abort();
    await expect(activation).rejects.toBeInstanceOf(DeviceCancelledError);
  });
});

describe("QuectelModem: sockets as Duplex streams over a loopback echo server", () => {
  it("a request/response through QISEND (prompt) and QIRD (binary payload containing \\r\\nOK\\r\\n)", async () => {
    const { modem } = await rig();
    await modem.activatePdp({ apn: "CMNET" });
    const socket = await modem.openSocket("127.0.0.1", echoPort);
    socket.write(request);
    const response = await readBytes(socket, request.length);
    expect(response.equals(request)).toBe(true);
    await new Promise<void>((resolve) => socket.end(resolve));
    expect(modem.openSockets).toBe(0);
  });

  it("large writes are chunked at 1460 bytes; direct-push receive mode works too", async () => {
    const { modem, emulator } = await rig([], { accessMode: 1 });
    await modem.activatePdp({ apn: "CMNET" });
    const socket = await modem.openSocket("127.0.0.1", echoPort);
    const big = Buffer.alloc(4000, 0x0d);
    socket.write(big);
    expect((await readBytes(socket, big.length)).equals(big)).toBe(true);
    expect(emulator.received.filter((line) => line.startsWith("AT+QISEND"))).toEqual([
      "AT+QISEND=0,1460",
      "AT+QISEND=0,1460",
      "AT+QISEND=0,1080",
    ]);
    socket.destroy();
  });

  it("byte-by-byte delivery from the module (link fault) still carries the exchange", async () => {
    const { modem } = await rig([], {
      linkFaults: { rules: [{ faults: [{ kind: "split", chunkSize: 1 }], repeat: true }] },
    });
    await modem.activatePdp({ apn: "CMNET" });
    const socket = await modem.openSocket("127.0.0.1", echoPort);
    socket.write(request);
    expect((await readBytes(socket, request.length)).equals(request)).toBe(true);
    socket.destroy();
  });

  it("+QIOPEN: 0,566 → SocketOpenError(566)", async () => {
    const { modem } = await rig([{ kind: "qiopen-error", code: 566 }]);
    await modem.activatePdp({ apn: "CMNET" });
    const open = modem.openSocket("127.0.0.1", echoPort);
    await expect(open).rejects.toBeInstanceOf(SocketOpenError);
    await expect(open).rejects.toMatchObject({ code: 566 });
  });

  it("SEND FAIL → the stream fails with SendFailedError", async () => {
    const { modem } = await rig([{ kind: "send-fail" }]);
    await modem.activatePdp({ apn: "CMNET" });
    const socket = await modem.openSocket("127.0.0.1", echoPort);
    const failed = streamError(socket);
    socket.write(request);
    expect(await failed).toBeInstanceOf(SendFailedError);
  });

  it('+QIURC: "closed" mid-transaction ends the stream with SocketClosedError', async () => {
    const { modem, emulator } = await rig([{ kind: "closed-after-send", sends: 1 }]);
    await modem.activatePdp({ apn: "CMNET" });
    const socket = await modem.openSocket("127.0.0.1", echoPort);
    const failed = streamError(socket);
    socket.resume();
    socket.write(request);
    expect(await failed).toBeInstanceOf(SocketClosedError);
    await vi.waitFor(() => expect(emulator.received).toContain("AT+QICLOSE=0,10"));
  });

  it('+QIURC: "pdpdeact" kills every socket; the next socket re-activates the context', async () => {
    const { modem, notices } = await rig([{ kind: "pdpdeact-after-send", sends: 1 }]);
    await modem.activatePdp({ apn: "CMNET" });
    const a = await modem.openSocket("127.0.0.1", echoPort);
    const b = await modem.openSocket("127.0.0.1", echoPort);
    const failedA = streamError(a);
    const failedB = streamError(b);
    a.write(request);
    expect(await failedA).toBeInstanceOf(PdpDeactivatedError);
    expect(await failedB).toBeInstanceOf(PdpDeactivatedError);
    expect(notices).toContainEqual({ type: "pdp-lost", context: 1 });
    const c = await modem.openSocket("127.0.0.1", echoPort);
    c.write(request);
    expect((await readBytes(c, request.length)).equals(request)).toBe(true);
    c.destroy();
  });

  it("a missing `> ` prompt: timeout after 5 s, ESC sent, the next command still works", async () => {
    const { modem, emulator, clock } = await rig([{ kind: "no-prompt", times: 1 }]);
    await modem.activatePdp({ apn: "CMNET" });
    const socket = await modem.openSocket("127.0.0.1", echoPort);
    const failed = streamError(socket);
    socket.write(request);
    await sent(emulator, `AT+QISEND=0,${request.length}`);
    clock.advance(5_000);
    expect(await failed).toBeInstanceOf(DeviceTimeoutError);
    await expect(modem.signalQuality()).resolves.toMatchObject({ rssiDbm: -65 });
    const again = await modem.openSocket("127.0.0.1", echoPort);
    again.write(request);
    expect((await readBytes(again, request.length)).equals(request)).toBe(true);
    again.destroy();
  });
});

describe("QuectelModem: module reboot and port loss", () => {
  it("RDY banner: sockets end with ModuleResetError, the init sequence runs again", async () => {
    const { modem, emulator, notices } = await rig();
    await modem.activatePdp({ apn: "CMNET" });
    const socket = await modem.openSocket("127.0.0.1", echoPort);
    const failed = streamError(socket);
    emulator.reboot();
    expect(await failed).toBeInstanceOf(ModuleResetError);
    expect(notices).toContainEqual({ type: "module-reset", reason: "RDY" });
    expect(emulator.state.echo).toBe(true);
    await expect(modem.signalQuality()).resolves.toMatchObject({ rssiDbm: -65 });
    expect(emulator.state).toMatchObject({ echo: false, cmee: 2 });
    // The context went down with the module; a new socket brings it back with the last APN.
    const again = await modem.openSocket("127.0.0.1", echoPort);
    again.write(request);
    expect((await readBytes(again, request.length)).equals(request)).toBe(true);
    again.destroy();
  });

  it("the port re-enumerates: the next call reopens it through the opener and re-initialises", async () => {
    const { modem, emulator, notices, opens } = await rig();
    emulator.reboot({ reenumerate: true });
    await vi.waitFor(() => expect(notices).toContainEqual({ type: "module-reset", reason: "port lost" }));
    await expect(modem.signalQuality()).resolves.toMatchObject({ rssiDbm: -65 });
    expect(opens()).toBe(2);
    expect(emulator.state.echo).toBe(false);
  });
});

describe("QuectelModem over node-serialport (EmulatedBinding + openSerialLink)", () => {
  it("runs SIM, signal, PDP and an echo exchange through the real SerialPortStream", async () => {
    const binding = new EmulatedBinding();
    const emulator = new QuectelEmulator();
    binding.attach("/rig/modem", () => {
      const { host, device } = createMemoryLinkPair("modem-serial");
      emulator.attach(device);
      return host;
    });
    const modem = await QuectelModem.open({
      opener: () => openSerialLink({ path: "/rig/modem", baudRate: 115200, binding }),
      clock: new ManualClock(),
    });
    cleanups.push(async () => {
      await modem.close();
      emulator.stop();
    });
    await modem.checkSim();
    await modem.activatePdp({ apn: "CMNET" });
    const socket = await modem.openSocket("127.0.0.1", echoPort);
    socket.write(request);
    expect((await readBytes(socket, request.length)).equals(request)).toBe(true);
    socket.destroy();
  });
});
