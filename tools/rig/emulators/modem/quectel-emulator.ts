import { connect, type Socket } from "node:net";
import type { ByteLink } from "../../../../drivers/link/byte-link.js";
import { QUECTEL_TCPIP_ERRORS } from "../../../../protocol/at/cme-errors.js";
import { splitParams } from "../../../../protocol/at/params.js";
import type { ModemFault } from "./modem-faults.js";

export type { ModemFault } from "./modem-faults.js";

interface EmulatedSocket {
  id: number;
  tcp: Socket | undefined;
  buffer: Buffer[];
  /** A recv URC was sent and the buffer has not been read empty since. */
  reported: boolean;
  state: "opening" | "open" | "closed";
}

export interface QuectelEmulatorOptions {
  faults?: ModemFault[];
  /** Where QIOPEN connections really go: lets a test map any host to a loopback server. */
  resolveHost?: (host: string) => string;
}

const CME_VERBOSE: Record<number, string> = { 3: "operation not allowed", 10: "SIM not inserted" };

/*
 * Reply handlers return `undefined` (not void) so a handler can end with `return this.ok()`.
 */

/**
 * A Quectel EC2x-style module on the device end of a ByteLink: the commands the modem driver uses,
 * echo (on after power-up), numeric/verbose +CME ERROR per AT+CMEE, SIM and registration states,
 * PDP activation, and TCP sockets that really connect (to loopback servers in tests) with
 * AT+QISEND (`> ` + exactly N bytes) and AT+QIRD / direct-push receive carrying binary payloads.
 * Faults are data (modem-faults.ts); reboot, network drops and late replies are methods.
 */
export class QuectelEmulator {
  private link: ByteLink | undefined;
  private offData: (() => void) | undefined;
  private faults: (ModemFault & { used?: number })[];
  private readonly resolveHost: (host: string) => string;
  private line: number[] = [];
  private dataMode:
    | { id: number; needed: number; chunks: Buffer[]; have: number; prompt: boolean }
    | undefined;
  private held: { reply: string; queued: Buffer[] } | undefined;
  private deferred: Buffer[] = [];
  private echo = true;
  private cmee = 0;
  private pdpActive = false;
  private apn = "";
  private lastError = 0;
  private sends = 0;
  private readonly sockets = new Map<number, EmulatedSocket & { mode: number }>();
  /** Every command line received, for assertions. */
  readonly received: string[] = [];

  constructor(options: QuectelEmulatorOptions = {}) {
    this.faults = [...(options.faults ?? [])];
    this.resolveHost = options.resolveHost ?? ((host) => host);
  }

  /** Attaches to (the device end of) a link; a later attach replaces it (port re-enumerated). */
  attach(link: ByteLink): void {
    this.offData?.();
    this.link = link;
    this.line = [];
    this.dataMode = undefined;
    this.offData = link.onData((chunk) => this.receive(chunk));
  }

  setFaults(faults: ModemFault[]): void {
    this.faults = [...faults];
  }

  get state(): { echo: boolean; cmee: number; pdpActive: boolean; apn: string; sockets: number[] } {
    return {
      echo: this.echo,
      cmee: this.cmee,
      pdpActive: this.pdpActive,
      apn: this.apn,
      sockets: [...this.sockets.keys()],
    };
  }

  /** Chunks of host input waiting while the module is busy (held QIACT). */
  get queuedWhileBusy(): number {
    return this.held?.queued.length ?? 0;
  }

  /** Writes the reply held back by a `qiact-timeout` fault, then handles what queued meanwhile. */
  releaseHeld(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    this.write(held.reply);
    this.flushDeferred();
    for (const chunk of held.queued) this.receive(chunk);
  }

  /** Module reboot: sockets and context gone, echo back on; RDY follows unless the port re-enumerates. */
  reboot(options: { reenumerate?: boolean } = {}): void {
    for (const socket of this.sockets.values()) socket.tcp?.destroy();
    this.sockets.clear();
    this.pdpActive = false;
    this.echo = true;
    this.cmee = 0;
    this.held = undefined;
    this.dataMode = undefined;
    this.line = [];
    this.deferred = [];
    if (options.reenumerate) {
      void this.link?.close();
      return;
    }
    this.write("\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n");
  }

  /** The network drops the PDP context: `+QIURC: "pdpdeact",1`, every socket dead. */
  dropPdp(): void {
    this.pdpActive = false;
    for (const socket of this.sockets.values()) {
      socket.tcp?.destroy();
      socket.state = "closed";
    }
    this.urc('+QIURC: "pdpdeact",1');
  }

  /** Closes every real TCP connection (call in afterAll). */
  stop(): void {
    for (const socket of this.sockets.values()) socket.tcp?.destroy();
    this.sockets.clear();
    this.offData?.();
  }

  private fault<K extends ModemFault["kind"]>(kind: K): Extract<ModemFault, { kind: K }> | undefined {
    return this.faults.find((f) => f.kind === kind) as Extract<ModemFault, { kind: K }> | undefined;
  }

  /** Uses up one of a fault's `times` (faults without `times` stay on). */
  private consume(fault: ModemFault & { used?: number; times?: number }): boolean {
    if (fault.times === undefined) return true;
    fault.used = (fault.used ?? 0) + 1;
    if (fault.used >= fault.times) this.faults = this.faults.filter((f) => f !== fault);
    return fault.used <= fault.times;
  }

  /** Replies leave in order even when a fault plan delivers each one slowly, byte by byte. */
  private write(text: string | Buffer): void {
    const link = this.link;
    if (!link?.isOpen) return;
    const bytes = typeof text === "string" ? Buffer.from(text, "latin1") : text;
    this.writing = this.writing.then(() => (link.isOpen ? link.write(bytes) : undefined)).catch(() => {});
  }

  private writing: Promise<void> = Promise.resolve();

  /** URCs wait while the module is in data mode or busy, as on the real module. */
  private urc(line: string, payload?: Buffer): void {
    const bytes = Buffer.concat([Buffer.from(`\r\n${line}\r\n`, "latin1"), payload ?? Buffer.alloc(0)]);
    if (this.dataMode || this.held) this.deferred.push(bytes);
    else this.write(bytes);
  }

  private flushDeferred(): void {
    for (const bytes of this.deferred.splice(0)) this.write(bytes);
  }

  private receive(chunk: Buffer): void {
    if (this.held) {
      this.held.queued.push(Buffer.from(chunk));
      return;
    }
    for (let i = 0; i < chunk.length; i++) {
      // A command handled earlier in this chunk may have made the module busy.
      const held = this.busy();
      if (held) {
        held.queued.push(Buffer.from(chunk.subarray(i)));
        return;
      }
      const mode = this.dataMode;
      if (mode) {
        if (mode.have === 0 && chunk[i] === 0x1b) {
          // ESC cancels the send.
          this.dataMode = undefined;
          this.flushDeferred();
          continue;
        }
        const take = Math.min(mode.needed - mode.have, chunk.length - i);
        mode.chunks.push(Buffer.from(chunk.subarray(i, i + take)));
        mode.have += take;
        i += take - 1;
        if (mode.have === mode.needed) {
          this.dataMode = undefined;
          this.completeSend(mode.id, Buffer.concat(mode.chunks));
          this.flushDeferred();
        }
        continue;
      }
      const byte = chunk[i]!;
      if (byte === 0x0d) {
        const text = Buffer.from(this.line).toString("latin1").trim();
        this.line = [];
        if (this.echo) this.write(`${text}\r`);
        if (text.length > 0) this.command(text);
      } else if (byte !== 0x0a && this.line.length < 1024) {
        this.line.push(byte);
      }
    }
  }

  private busy(): { queued: Buffer[] } | undefined {
    return this.held;
  }

  private ok(...info: string[]): undefined {
    this.reply(info, "OK");
  }

  private error(cme?: number): undefined {
    if (cme === undefined || this.cmee === 0) this.reply([], "ERROR");
    else if (this.cmee === 1) this.reply([], `+CME ERROR: ${cme}`);
    else this.reply([], `+CME ERROR: ${CME_VERBOSE[cme] ?? cme}`);
  }

  private reply(info: string[], final: string, command = this.current): undefined {
    let text = info.map((line) => `\r\n${line}\r\n`).join("");
    const inject = this.faults.find(
      (f): f is Extract<ModemFault, { kind: "urc-before-ok" }> =>
        f.kind === "urc-before-ok" && command.toUpperCase().startsWith(f.command.toUpperCase()),
    );
    if (inject && this.consume(inject)) text += `\r\n${inject.urc}\r\n`;
    this.write(`${text}\r\n${final}\r\n`);
  }

  private current = "";

  private command(text: string): undefined {
    this.received.push(text);
    this.current = text;
    const upper = text.toUpperCase();
    if (!upper.startsWith("AT")) return this.error();
    const body = upper.slice(2);
    const [name, rest] = splitCommand(text.slice(2));
    switch (true) {
      case body === "":
        return this.ok();
      case body === "E0" || body === "E1":
        this.echo = body === "E1";
        return this.ok();
      case body === "I":
        return this.ok("Quectel", "EC25", "Revision: EC25EFAR06A06M4G");
      case body === "+GSN":
        return this.ok("866758040000001");
      case body === "+CIMI":
        return this.simReady() ? this.ok("460001234567890") : this.error(10);
      case body === "+QCCID":
        return this.simReady() ? this.ok("+QCCID: 89860012345678901234") : this.error(10);
      case name === "+CMEE" && rest !== undefined:
        this.cmee = Number(rest) || 0;
        return this.ok();
      case body === "+CPIN?":
        return this.cpin();
      case body === "+CSQ":
        return this.fault("csq-unknown") ? this.ok("+CSQ: 99,99") : this.ok("+CSQ: 24,0");
      case body === "+CREG?":
      case body === "+CGREG?":
      case body === "+CEREG?":
        return this.ok(`${body.slice(0, -1)}: 0,${this.stat()}`);
      case body === "+COPS?":
        return this.ok('+COPS: 0,0,"CHINA MOBILE",7');
      case name === "+QICSGP":
        return this.qicsgp(rest ?? "");
      case body === "+QIACT?":
        return this.pdpActive ? this.ok('+QIACT: 1,1,1,"10.64.12.7"') : this.ok();
      case name === "+QIACT":
        return this.qiact();
      case name === "+QIDEACT":
        this.pdpActive = false;
        for (const socket of this.sockets.values()) socket.tcp?.destroy();
        this.sockets.clear();
        return this.ok();
      case body === "+QIGETERROR":
        return this.ok(
          `+QIGETERROR: ${this.lastError},"${QUECTEL_TCPIP_ERRORS[this.lastError] ?? "unknown error"}"`,
        );
      case name === "+QIOPEN":
        return this.qiopen(rest ?? "");
      case name === "+QISEND":
        return this.qisend(rest ?? "");
      case name === "+QIRD":
        return this.qird(rest ?? "");
      case name === "+QICLOSE":
        return this.qiclose(rest ?? "");
      case body === "+CFUN=1,1":
        this.ok();
        setImmediate(() => this.reboot());
        return;
      default:
        return this.error();
    }
  }

  private simReady(): boolean {
    return !this.fault("sim-missing") && !this.fault("sim-locked");
  }

  private cpin(): undefined {
    if (this.fault("sim-missing")) return this.error(10);
    const locked = this.fault("sim-locked");
    if (locked) return this.ok(`+CPIN: ${locked.state ?? "SIM PIN"}`);
    this.ok("+CPIN: READY");
  }

  private stat(): number {
    if (!this.simReady()) return 0;
    return this.fault("not-registered")?.stat ?? 1;
  }

  private qicsgp(rest: string): undefined {
    const params = safeParams(rest);
    if (!params || params.length < 3 || !/^\d+$/.test(params[0] ?? "")) return this.error();
    this.apn = params[2]!;
    this.ok();
  }

  private qiact(): undefined {
    if (this.fault("qiact-timeout")) {
      this.lastError = 569;
      this.held = { reply: "\r\nERROR\r\n", queued: [] };
      return;
    }
    const failure = this.fault("qiact-error");
    if (failure || this.stat() !== 1 || this.apn === "") {
      this.lastError = failure?.code ?? 561;
      return this.error();
    }
    this.pdpActive = true;
    this.ok();
  }

  private qiopen(rest: string): undefined {
    const params = safeParams(rest);
    const id = Number(params?.[1]);
    const port = Number(params?.[4]);
    const mode = Number(params?.[6] ?? 0);
    if (
      !params ||
      params.length < 5 ||
      !(id >= 0 && id <= 11) ||
      params[2] !== "TCP" ||
      !(port > 0 && port < 65536)
    ) {
      return this.error();
    }
    if (this.sockets.has(id)) {
      this.lastError = 563;
      return this.error();
    }
    this.ok();
    const socket: EmulatedSocket & { mode: number } = {
      id,
      tcp: undefined,
      buffer: [],
      reported: false,
      state: "opening",
      mode,
    };
    this.sockets.set(id, socket);
    const failure = this.fault("qiopen-error");
    if (failure || !this.pdpActive) {
      const code = failure ? (failure.code ?? 566) : 561;
      setImmediate(() => this.urc(`+QIOPEN: ${id},${code}`));
      return;
    }
    const tcp = connect({ host: this.resolveHost(params[3]!), port });
    socket.tcp = tcp;
    tcp.on("connect", () => {
      socket.state = "open";
      this.urc(`+QIOPEN: ${id},0`);
    });
    tcp.on("data", (data: Buffer) => this.tcpData(socket, data));
    tcp.on("error", () => {});
    tcp.on("close", () => {
      if (this.sockets.get(id) !== socket) return;
      if (socket.state === "opening") this.urc(`+QIOPEN: ${id},566`);
      else if (socket.state === "open") this.urc(`+QIURC: "closed",${id}`);
      socket.state = "closed";
    });
  }

  private tcpData(socket: EmulatedSocket & { mode: number }, data: Buffer): void {
    if (this.sockets.get(socket.id) !== socket) return;
    if (socket.mode === 1) {
      for (let at = 0; at < data.length; at += 1500) {
        const part = data.subarray(at, at + 1500);
        this.urc(`+QIURC: "recv",${socket.id},${part.length}`, part);
      }
      return;
    }
    socket.buffer.push(Buffer.from(data));
    if (!socket.reported) {
      socket.reported = true;
      this.urc(`+QIURC: "recv",${socket.id}`);
    }
  }

  private qisend(rest: string): undefined {
    const params = safeParams(rest);
    const id = Number(params?.[0]);
    const length = Number(params?.[1]);
    const socket = this.sockets.get(id);
    if (socket?.state !== "open" || !(length >= 1 && length <= 1460)) return this.error();
    const lost = this.fault("no-prompt");
    const prompt = !(lost && this.consume(lost));
    this.dataMode = { id, needed: length, chunks: [], have: 0, prompt };
    if (prompt) this.write("> ");
  }

  private completeSend(id: number, data: Buffer): void {
    const socket = this.sockets.get(id);
    const failure = this.fault("send-fail");
    if (!socket?.tcp || socket.state !== "open" || (failure && this.consume(failure))) {
      this.write("\r\nSEND FAIL\r\n");
      return;
    }
    socket.tcp.write(data);
    this.write("\r\nSEND OK\r\n");
    this.sends++;
    const closed = this.fault("closed-after-send");
    if (closed && this.sends >= (closed.sends ?? 1)) {
      this.faults = this.faults.filter((f) => f !== closed);
      socket.state = "closed";
      socket.tcp.destroy();
      this.urc(`+QIURC: "closed",${id}`);
    }
    const deact = this.fault("pdpdeact-after-send");
    if (deact && this.sends >= (deact.sends ?? 1)) {
      this.faults = this.faults.filter((f) => f !== deact);
      this.dropPdp();
    }
  }

  private qird(rest: string): undefined {
    const params = safeParams(rest);
    const id = Number(params?.[0]);
    const max = Number(params?.[1] ?? 1500);
    const socket = this.sockets.get(id);
    if (!socket || !(max >= 0 && max <= 1500)) return this.error();
    if (max === 0) {
      const unread = socket.buffer.reduce((n, b) => n + b.length, 0);
      return this.ok(`+QIRD: 0,0,${unread}`);
    }
    const all = Buffer.concat(socket.buffer);
    const data = all.subarray(0, max);
    socket.buffer = all.length > max ? [Buffer.from(all.subarray(max))] : [];
    if (data.length === 0) socket.reported = false;
    this.write(
      Buffer.concat([
        Buffer.from(`\r\n+QIRD: ${data.length}\r\n`, "latin1"),
        data,
        Buffer.from("\r\n\r\nOK\r\n"),
      ]),
    );
  }

  private qiclose(rest: string): undefined {
    const id = Number(safeParams(rest)?.[0]);
    const socket = this.sockets.get(id);
    if (socket) {
      socket.state = "closed";
      socket.tcp?.destroy();
      this.sockets.delete(id);
    }
    this.ok();
  }
}

/** `+QIOPEN=1,0,"TCP",…` → ["+QIOPEN", "1,0,\"TCP\",…"] (name upper-cased, arguments as sent). */
function splitCommand(text: string): [string, string | undefined] {
  const at = text.indexOf("=");
  return at < 0 ? [text.toUpperCase(), undefined] : [text.slice(0, at).toUpperCase(), text.slice(at + 1)];
}

function safeParams(text: string): string[] | undefined {
  try {
    return splitParams(text);
  } catch {
    return undefined;
  }
}
