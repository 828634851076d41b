import { AtError } from "../../protocol/at/at-error.js";
import { tcpIpErrorText } from "../../protocol/at/cme-errors.js";
import { AT_TIMEOUTS } from "../../protocol/at/command.js";
import type { AtUrc } from "../../protocol/at/events.js";
import * as quectel from "../../protocol/at/quectel-commands.js";
import {
  parseCpin,
  parseCsq,
  parseQiact,
  parseQigeterror,
  parseQiopen,
  parseQiurc,
  parseRegistration,
  type SignalQuality,
} from "../../protocol/at/quectel-responses.js";
import { type Clock, systemClock } from "../core/clock.js";
import { DeviceDisconnectedError, DeviceError, DeviceProtocolError } from "../core/device-error.js";
import type { LinkOpener } from "../link/byte-link.js";
import { AtEngine, type AtResponse, type AtTraceEvent } from "./at-engine.js";
import type {
  CallOptions,
  CellularModem,
  NetworkRegistration,
  PdpContext,
  PdpOptions,
} from "./cellular-modem.js";
import {
  AtCommandError,
  ModuleResetError,
  NotRegisteredError,
  PdpActivationError,
  PdpDeactivatedError,
  SendFailedError,
  SimError,
  SimLockedError,
  SimMissingError,
  SocketClosedError,
  SocketOpenError,
} from "./modem-errors.js";
import { ModemSocket, type SocketOps } from "./modem-socket.js";

export interface QuectelModemOptions {
  /** Opens the AT port (and re-opens it after the module re-enumerates). */
  opener: LinkOpener;
  clock?: Clock;
  device?: string;
  trace?: (event: AtTraceEvent) => void;
  /** Receive mode for sockets: 0 buffer + AT+QIRD (default), 1 direct push. */
  accessMode?: 0 | 1;
}

/** What the modem reports to the firmware besides call results. */
export type ModemNotice =
  | { type: "module-reset"; reason: "RDY" | "POWERED DOWN" | "port lost" }
  | { type: "pdp-lost"; context: number }
  | { type: "sim"; state: string };

const SOCKET_IDS = 12;

/**
 * A Quectel EC2x/EG25 module driven over its AT port: SIM, registration, signal, PDP context and
 * TCP sockets on the module's own stack. The port is re-opened through the opener when it vanished,
 * and the init sequence (ATE0, AT+CMEE=2) runs again after a reopen or an RDY banner; a socket
 * asks for the PDP context again (with the last APN) when a reboot or `pdpdeact` dropped it.
 */
export class QuectelModem implements CellularModem {
  readonly device: string;
  private readonly opener: LinkOpener;
  private readonly clock: Clock;
  private readonly trace: ((event: AtTraceEvent) => void) | undefined;
  private readonly accessMode: 0 | 1;
  private engine: AtEngine | undefined;
  private opening: Promise<AtEngine> | undefined;
  private needsInit = true;
  private pdp: PdpContext | undefined;
  private pdpOptions: PdpOptions | undefined;
  private readonly sockets = new Map<number, ModemSocket>();
  private readonly reserved = new Set<number>();
  private readonly noticeListeners = new Set<(notice: ModemNotice) => void>();
  private closed = false;

  constructor(options: QuectelModemOptions) {
    this.device = options.device ?? "modem";
    this.opener = options.opener;
    this.clock = options.clock ?? systemClock;
    this.trace = options.trace;
    this.accessMode = options.accessMode ?? 0;
  }

  /** Opens the port and runs the init sequence. */
  static async open(options: QuectelModemOptions): Promise<QuectelModem> {
    const modem = new QuectelModem(options);
    await modem.ready();
    return modem;
  }

  onNotice(listener: (notice: ModemNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /** Engine counters (timeouts, resyncs, dropped input) for the self-test report. */
  get counters(): AtEngine["counters"] | undefined {
    return this.engine?.counters;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  async checkSim(call: CallOptions = {}): Promise<void> {
    const engine = await this.ready(call.signal);
    let response: AtResponse;
    try {
      response = await engine.run(quectel.simStatus(), call);
    } catch (error) {
      if (error instanceof AtCommandError) {
        if (error.code === 10) throw new SimMissingError(this.device, "SIM not inserted");
        if (error.code === 11) throw new SimLockedError(this.device, "SIM PIN");
        if (error.code === 12) throw new SimLockedError(this.device, "SIM PUK");
        if (error.code !== undefined && error.code >= 13 && error.code <= 15) {
          throw new SimError(this.device, `SIM failure (${error.message})`);
        }
      }
      throw error;
    }
    const sim = this.decode(() => parseCpin(infoOf(response, "+CPIN")));
    if (sim === "READY") return;
    if (sim.startsWith("SIM PIN") || sim.startsWith("SIM PUK") || sim.startsWith("PH-")) {
      throw new SimLockedError(this.device, sim);
    }
    throw new SimError(this.device, `SIM not ready (${sim})`);
  }

  async signalQuality(call: CallOptions = {}): Promise<SignalQuality> {
    const engine = await this.ready(call.signal);
    const response = await engine.run(quectel.signalQuality(), call);
    return this.decode(() => parseCsq(infoOf(response, "+CSQ")));
  }

  /** EPS (+CEREG, LTE) first; CS (+CREG) when EPS is not registered or not supported. */
  async registration(call: CallOptions = {}): Promise<NetworkRegistration> {
    const engine = await this.ready(call.signal);
    let eps: NetworkRegistration | undefined;
    try {
      const response = await engine.run(quectel.epsRegistration(), call);
      eps = {
        ...this.decode(() => parseRegistration(infoOf(response, "+CEREG"), false, "+CEREG")),
        domain: "eps",
      };
      if (eps.registered) return eps;
    } catch (error) {
      if (!(error instanceof AtCommandError)) throw error;
    }
    const response = await engine.run(quectel.csRegistration(), call);
    const cs: NetworkRegistration = {
      ...this.decode(() => parseRegistration(infoOf(response, "+CREG"), false, "+CREG")),
      domain: "cs",
    };
    return cs.registered || !eps ? cs : eps;
  }

  async activatePdp(options: PdpOptions, call: CallOptions = {}): Promise<PdpContext> {
    const engine = await this.ready(call.signal);
    const context = options.context ?? 1;
    const registration = await this.registration(call);
    if (!registration.registered) throw new NotRegisteredError(this.device, registration.status);
    await engine.run(
      this.build(() => quectel.configureContext({ ...options, context })),
      call,
    );
    this.pdpOptions = { ...options, context };
    const active = await this.contextState(engine, context, call);
    if (active) return active;
    try {
      await engine.run(quectel.activateContext(context), call);
    } catch (error) {
      if (!(error instanceof AtCommandError)) throw error;
      const { code, text } = await this.lastTcpIpError(engine, call);
      throw new PdpActivationError(
        this.device,
        code,
        `PDP context ${context} not activated: ${code} ${text}`,
      );
    }
    const activated = await this.contextState(engine, context, call);
    if (!activated)
      throw new PdpActivationError(this.device, 561, `PDP context ${context} not active after QIACT`);
    return activated;
  }

  async openSocket(host: string, port: number, call: CallOptions = {}): Promise<ModemSocket> {
    const engine = await this.ready(call.signal);
    if (!this.pdp) {
      if (!this.pdpOptions) throw new DeviceError(this.device, "no PDP context: call activatePdp() first");
      await this.activatePdp(this.pdpOptions, call);
    }
    const connectId = this.allocate();
    const command = this.build(() =>
      quectel.openSocket({
        context: this.pdp?.context ?? 1,
        connectId,
        host,
        port,
        accessMode: this.accessMode,
      }),
    );
    const opened = engine.expectUrc(
      (urc) => urc.name === "+QIOPEN" && urc.args.split(",")[0]?.trim() === `${connectId}`,
      {
        timeoutMs: AT_TIMEOUTS.qiopenUrc,
        what: `+QIOPEN for socket ${connectId}`,
        ...(call.signal ? { signal: call.signal } : {}),
      },
    );
    try {
      try {
        await engine.run(command, call);
      } catch (error) {
        opened.cancel();
        throw error;
      }
      let urc: AtUrc;
      try {
        urc = await opened.promise;
      } catch (error) {
        await this.closeOnModule(connectId);
        throw error;
      }
      const result = this.decode(() => parseQiopen(urc.args));
      if (result.error !== 0) {
        await this.closeOnModule(connectId);
        throw new SocketOpenError(
          this.device,
          result.error,
          `cannot open ${host}:${port}: ${result.error} ${tcpIpErrorText(result.error)}`,
        );
      }
      const socket = new ModemSocket(connectId, this.socketOps());
      this.sockets.set(connectId, socket);
      return socket;
    } finally {
      this.reserved.delete(connectId);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const sockets = [...this.sockets.values()];
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            socket.once("close", () => resolve());
            socket.destroy();
          }),
      ),
    );
    await this.engine?.close();
  }

  /** Opens/re-opens the port and (re)runs the init sequence when needed. */
  private async ready(signal?: AbortSignal): Promise<AtEngine> {
    if (this.closed) throw new DeviceDisconnectedError(this.device, "modem closed");
    if (!this.opening) {
      this.opening = this.prepare(signal).finally(() => {
        this.opening = undefined;
      });
    }
    return this.opening;
  }

  private async prepare(signal?: AbortSignal): Promise<AtEngine> {
    if (!this.engine?.isOpen) {
      let link: Awaited<ReturnType<LinkOpener>>;
      try {
        link = await this.opener();
      } catch (error) {
        throw new DeviceDisconnectedError(this.device, "cannot open the AT port", { cause: error });
      }
      if (this.engine) this.engine.attach(link);
      else this.engine = this.createEngine(link);
      this.needsInit = true;
    }
    const engine = this.engine;
    if (this.needsInit) {
      const call = signal ? { signal } : {};
      await engine.run(quectel.echoOff(), call);
      await engine.run(quectel.verboseErrors(), call);
      this.needsInit = false;
    }
    return engine;
  }

  private createEngine(link: Awaited<ReturnType<LinkOpener>>): AtEngine {
    const engine = new AtEngine(link, {
      device: this.device,
      clock: this.clock,
      ...(this.trace ? { trace: this.trace } : {}),
    });
    engine.onUrc((urc) => this.onUrc(urc));
    engine.onClose(() => this.moduleGone("port lost"));
    return engine;
  }

  private onUrc(urc: AtUrc): void {
    switch (urc.name) {
      case "+QIURC":
        this.onSocketUrc(urc);
        break;
      case "RDY":
      case "POWERED DOWN":
        this.needsInit = true;
        this.moduleGone(urc.name);
        break;
      case "+CPIN":
        this.notify({ type: "sim", state: urc.args.trim() });
        break;
    }
  }

  private onSocketUrc(urc: AtUrc): void {
    let event: ReturnType<typeof parseQiurc>;
    try {
      event = parseQiurc(urc.args);
    } catch {
      return;
    }
    switch (event.type) {
      case "recv": {
        const socket = this.sockets.get(event.connectId);
        if (urc.payload) socket?.deliver(urc.payload);
        else socket?.dataAvailable();
        break;
      }
      case "closed":
        this.sockets
          .get(event.connectId)
          ?.terminate(
            new SocketClosedError(this.device, `socket ${event.connectId} closed by the peer or the network`),
            { readBuffered: true, onModule: true },
          );
        break;
      case "pdpdeact":
        this.pdp = undefined;
        this.notify({ type: "pdp-lost", context: event.context });
        for (const socket of this.sockets.values()) {
          socket.terminate(
            new PdpDeactivatedError(this.device, `PDP context ${event.context} deactivated by the network`),
            {
              readBuffered: false,
              onModule: true,
            },
          );
        }
        break;
      default:
        break;
    }
  }

  /** The module rebooted or the port vanished: its sockets and PDP context are gone. */
  private moduleGone(reason: "RDY" | "POWERED DOWN" | "port lost"): void {
    this.pdp = undefined;
    for (const socket of this.sockets.values()) {
      socket.terminate(new ModuleResetError(this.device, `module reset (${reason})`), {
        readBuffered: false,
        onModule: false,
      });
    }
    if (!this.closed) this.notify({ type: "module-reset", reason });
  }

  private socketOps(): SocketOps {
    return {
      send: async (connectId, data) => {
        const engine = this.requireEngine();
        try {
          await engine.run(quectel.send(connectId, data));
        } catch (error) {
          if (error instanceof AtCommandError) {
            throw new SendFailedError(this.device, `socket ${connectId}: ${error.result}`);
          }
          throw error;
        }
      },
      read: async (connectId) => {
        const response = await this.requireEngine().run(quectel.read(connectId));
        return response.info.find((line) => line.prefix === "+QIRD")?.payload ?? Buffer.alloc(0);
      },
      close: async (connectId, onModule) => {
        this.sockets.delete(connectId);
        if (onModule) await this.closeOnModule(connectId);
      },
    };
  }

  private async closeOnModule(connectId: number): Promise<void> {
    if (!this.engine?.isOpen) return;
    await this.engine.run(quectel.closeSocket(connectId)).catch(() => undefined);
  }

  private requireEngine(): AtEngine {
    if (!this.engine?.isOpen) throw new DeviceDisconnectedError(this.device, "AT port closed");
    return this.engine;
  }

  private allocate(): number {
    for (let id = 0; id < SOCKET_IDS; id++) {
      if (!this.sockets.has(id) && !this.reserved.has(id)) {
        this.reserved.add(id);
        return id;
      }
    }
    throw new DeviceError(this.device, `all ${SOCKET_IDS} socket ids in use`);
  }

  private async contextState(
    engine: AtEngine,
    context: number,
    call: CallOptions,
  ): Promise<PdpContext | undefined> {
    const response = await engine.run(quectel.contextStatus(), call);
    for (const line of response.info) {
      if (line.prefix !== "+QIACT") continue;
      const state = this.decode(() => parseQiact(line.args));
      if (state.context === context && state.active) {
        this.pdp = { context, ip: state.ip };
        return this.pdp;
      }
    }
    return undefined;
  }

  private async lastTcpIpError(engine: AtEngine, call: CallOptions): Promise<{ code: number; text: string }> {
    try {
      const response = await engine.run(quectel.lastTcpIpError(), call);
      const { code, text } = this.decode(() => parseQigeterror(infoOf(response, "+QIGETERROR")));
      return { code, text: text || tcpIpErrorText(code) };
    } catch {
      return { code: 550, text: tcpIpErrorText(550) };
    }
  }

  private notify(notice: ModemNotice): void {
    for (const listener of [...this.noticeListeners]) {
      try {
        listener(notice);
      } catch {
        // A listener's failure is the listener's problem, not the modem's.
      }
    }
  }

  /** Protocol decode errors become device protocol errors (the app sees DeviceError only). */
  private decode<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof AtError)
        throw new DeviceProtocolError(this.device, error.message, { cause: error });
      throw error;
    }
  }

  /** Invalid arguments (APN with a quote, port 0) are the caller's error, reported before the wire. */
  private build<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof AtError) throw new DeviceError(this.device, error.message, { cause: error });
      throw error;
    }
  }
}

/** The argument text of the reply's information line with this prefix. */
function infoOf(response: AtResponse, prefix: string): string {
  const line = response.info.find((info) => info.prefix === prefix);
  if (!line) throw new AtError("reply has no information line", { path: prefix });
  return line.args;
}
