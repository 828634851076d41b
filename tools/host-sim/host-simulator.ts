import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import type { Writable } from "node:stream";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import type { RandomSource } from "../../protocol/crypto/pinblock/random.js";
import { LengthPrefixDecoder } from "../../protocol/framing/length-prefix.js";
import { fromHex } from "../../protocol/hex.js";
import { Behaviours } from "./behaviours.js";
import { CardBook, type CardView } from "./cards.js";
import {
  type BehaviourRuleInput,
  behaviourRuleSchema,
  cardProfileSchema,
  type HostSimConfigInput,
  hostSimConfigSchema,
  loadCardsFile,
  loadScenarioFile,
  type MerchantEntry,
  parseSetting,
} from "./config.js";
import { DEFAULT_CARDS, DEFAULT_TMK_HEX } from "./default-cards.js";
import type { BatchUploadEntry, HostContext } from "./exchange.js";
import { type InstantSettlementRecord, InstantSettlements } from "./instant-settlement.js";
import { Ledger, type LedgerEntry } from "./ledger.js";
import { type Outcome, Processor } from "./processor.js";
import { type SettlementRecord, TerminalRegistry } from "./terminals.js";
import { attachTms, type TmsHost, type TmsLogEntry } from "./tms.js";
import { TxLog } from "./tx-log.js";

/** PEM material for TLS; mutual TLS when `clientCa` is given (clients must present a certificate it signed). */
export interface HostTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  clientCa?: string | Buffer;
}

/** In-process options: the config data (validated like a config file) plus what only code can pass. */
export interface HostSimulatorOptions
  extends Omit<HostSimConfigInput, "tls" | "logFile" | "ledgerFile" | "listen"> {
  /** Random source for working keys and auth codes (tests inject a seeded one). */
  random?: RandomSource;
  /** Host clock (fields 12/13/15, RRNs, daily limits, ledger times). */
  clock?: () => Date;
  /** Transaction log: a stream, a file path (appended), or nothing. */
  log?: Writable | string;
  tls?: HostTlsOptions;
}

export interface ListenAddress {
  host: string;
  port: number;
}

/** The ledger JSON a test compares with the terminal's journal. */
export interface LedgerSnapshot {
  generatedAt: string;
  transactions: LedgerEntry[];
  totals: { approvedCount: number; debit: number; credit: number };
  terminals: {
    terminalId: string;
    merchantId: string;
    batch: string;
    signedIn: boolean;
    keyLayout: string | undefined;
    settlements: SettlementRecord[];
  }[];
  batchUploads: BatchUploadEntry[];
  instantSettlements: InstantSettlementRecord[];
}

/** T+1 view of one terminal's batch: the totals the host would settle and the entries behind them. */
export interface BatchView {
  terminalId: string;
  merchantId: string;
  batch: string;
  domestic: { debitAmount: number; debitCount: number; creditAmount: number; creditCount: number };
  foreign: { debitAmount: number; debitCount: number; creditAmount: number; creditCount: number };
  settlement: SettlementRecord | undefined;
  entries: LedgerEntry[];
}

/**
 * The acquirer host simulator: a TCP (or TLS) server speaking the UnionPay POS dialect. No global state;
 * several may run at once. `stop()` closes every connection, cancels pending delayed answers and wipes
 * the keys and PINs it holds.
 */
export class HostSimulator {
  private readonly ctx: HostContext;
  private readonly behaviours: Behaviours;
  private readonly processor: Processor;
  private readonly tms: TmsHost;
  private readonly tls: HostTlsOptions | undefined;
  private readonly maxFrameLength: number;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private listening: ListenAddress | undefined;
  private rrnCounter = 0;
  /** Random bytes for auth codes, drawn from the random source in blocks (one call per 64 codes). */
  private authPool: Buffer = Buffer.alloc(0);
  private authPoolAt = 0;

  constructor(options: HostSimulatorOptions = {}) {
    const { random, clock, log, tls, ...data } = options;
    const config = parseSetting(hostSimConfigSchema, data);
    // In-process callers may name files too (relative to the working directory).
    if (config.cardsFile) config.cards = [...(config.cards ?? []), ...loadCardsFile(config.cardsFile)];
    if (config.scenarioFile)
      config.behaviours = [...(config.behaviours ?? []), ...loadScenarioFile(config.scenarioFile)];
    const now = clock ?? (() => new Date());
    const rand = random ?? ((n: number) => randomBytes(n));
    const merchants = new Map<string, MerchantEntry>((config.merchants ?? []).map((m) => [m.merchantId, m]));
    const cards =
      config.cards ?? DEFAULT_CARDS.map((c, i) => parseSetting(cardProfileSchema, c, `defaultCards[${i}]`));
    const tmk = fromHex(config.tmk ?? DEFAULT_TMK_HEX, "tmk");
    this.tls = tls;
    this.maxFrameLength = config.maxFrameLength;
    this.behaviours = new Behaviours(config.behaviours ?? []);
    this.ctx = {
      settings: {
        mac: config.mac,
        macResponses: config.macResponses,
        acquirerId: config.acquirerId,
        issuerId: config.issuerId,
        completionTolerance: config.completionTolerance,
        merchants,
      },
      cards: new CardBook(cards),
      ledger: new Ledger(),
      instant: new InstantSettlements(),
      terminals: new TerminalRegistry(
        tmk,
        config.initialBatch,
        config.terminals?.map((t) => ({
          terminalId: t.terminalId,
          merchantId: t.merchantId,
          ...(t.tmk ? { tmk: fromHex(t.tmk, "terminals.tmk") } : {}),
        })),
      ),
      log: new TxLog(log, now),
      clock: now,
      random: rand,
      nextRrn: () => {
        this.rrnCounter = (this.rrnCounter % 999_999) + 1;
        const d = now();
        const p2 = (n: number) => String(n).padStart(2, "0");
        return `${p2(d.getHours())}${p2(d.getMinutes())}${p2(d.getSeconds())}${String(this.rrnCounter).padStart(6, "0")}`;
      },
      nextAuthCode: () => this.authCode(),
      uploads: [],
    };
    this.tms = attachTms(this.ctx, config.tms);
    this.processor = new Processor(this.ctx, this.behaviours);
  }

  /** TMS messages answered (parameters, CAPK, AID, black-list downloads), for one terminal or all. */
  tmsLog(terminalId?: string): TmsLogEntry[] {
    return this.tms.log(terminalId);
  }

  /** Starts listening (default 127.0.0.1, port 0 = any free port); resolves with the bound address. */
  async start(listen: Partial<ListenAddress> = {}): Promise<ListenAddress> {
    if (this.server) throw new Error("host simulator already started");
    const host = listen.host ?? "127.0.0.1";
    const port = listen.port ?? 0;
    const tls = this.tls;
    const server = tls
      ? createTlsServer(
          {
            cert: tls.cert,
            key: tls.key,
            ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
          },
          (socket: TLSSocket) => this.accept(socket),
        )
      : createServer((socket) => this.accept(socket));
    server.on("tlsClientError", (error: Error) =>
      this.ctx.log.event(`TLS handshake failed: ${error.message}`),
    );
    server.on("error", (error) => this.ctx.log.event(`server error: ${error.message}`));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      server.once("error", fail);
      server.listen(port, host, () => {
        server.off("error", fail);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    this.listening = { host: address.address, port: address.port };
    this.ctx.log.event(`listening ${address.address}:${address.port}${tls ? " (TLS)" : ""}`);
    return this.listening;
  }

  get address(): ListenAddress | undefined {
    return this.listening;
  }

  /** Closes the listener and every connection, cancels delayed answers, wipes keys; idempotent. */
  async stop(): Promise<void> {
    const server = this.server;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) {
      this.server = undefined;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      this.ctx.log.event("stopped");
    }
    this.listening = undefined;
    await this.ctx.log.close();
  }

  /** Forgets keys, TMKs and PINs held in memory (after stop, before dropping the instance). */
  wipe(): void {
    this.ctx.terminals.wipe();
    this.ctx.cards.wipe();
  }

  /** Adds a behaviour switch at run time (validated like the scenario file). */
  addBehaviour(rule: BehaviourRuleInput): void {
    this.behaviours.add(parseSetting(behaviourRuleSchema, rule, "behaviour"));
  }

  clearBehaviours(): void {
    this.behaviours.clear();
  }

  /** Every ledger entry, newest last (masked PANs). */
  transactions(): LedgerEntry[] {
    return this.ctx.ledger.entries();
  }

  ledger(): LedgerSnapshot {
    return {
      generatedAt: this.ctx.clock().toISOString(),
      transactions: this.ctx.ledger.entries(),
      totals: this.ctx.ledger.net(),
      terminals: this.ctx.terminals.all().map((t) => ({
        terminalId: t.terminalId,
        merchantId: t.merchantId,
        batch: t.batch,
        signedIn: t.keys !== undefined,
        keyLayout: t.keys?.layout,
        settlements: t.settlements.map((s) => ({ ...s })),
      })),
      batchUploads: this.ctx.uploads.map((u) => ({ ...u, records: [...u.records] })),
      instantSettlements: this.ctx.instant.list(),
    };
  }

  /** Writes the ledger JSON (pretty-printed) to a file. */
  async writeLedger(file: string): Promise<void> {
    await writeFile(file, `${JSON.stringify(this.ledger(), null, 2)}\n`);
  }

  /** D0 payouts, for one merchant or all. */
  instantSettlements(merchantId?: string): InstantSettlementRecord[] {
    return this.ctx.instant.list(merchantId);
  }

  /** The T+1 view of a terminal's batch (default: its current one). */
  batchView(terminalId: string, merchantId: string, batch?: string): BatchView {
    const terminal = this.ctx.terminals.peek(terminalId, merchantId);
    const which = batch ?? terminal?.batch ?? "000001";
    const totals = this.ctx.ledger.totals(terminalId, merchantId, which);
    const strip = (b: typeof totals.domestic) => ({
      debitAmount: b.debitAmount,
      debitCount: b.debitCount,
      creditAmount: b.creditAmount,
      creditCount: b.creditCount,
    });
    return {
      terminalId,
      merchantId,
      batch: which,
      domestic: strip(totals.domestic),
      foreign: strip(totals.foreign),
      settlement: terminal?.settlementFor(which),
      entries: this.ctx.ledger.entries(
        (r) => r.terminalId === terminalId && r.merchantId === merchantId && r.batch === which,
      ),
    };
  }

  /** A test card's balance, holds and today's total (masked PAN), or undefined. */
  card(pan: string): CardView | undefined {
    const card = this.ctx.cards.find(pan);
    return card && this.ctx.cards.view(card);
  }

  /** The host's view of a terminal: current batch and whether it holds working keys. */
  terminal(terminalId: string, merchantId: string): { batch: string; signedIn: boolean } | undefined {
    const t = this.ctx.terminals.peek(terminalId, merchantId);
    return t && { batch: t.batch, signedIn: t.keys !== undefined };
  }

  private authCode(): string {
    if (this.authPoolAt + 4 > this.authPool.length) {
      this.authPool = this.ctx.random(256);
      this.authPoolAt = 0;
    }
    const value = this.authPool.readUInt32BE(this.authPoolAt) % 1_000_000;
    this.authPoolAt += 4;
    return String(value).padStart(6, "0");
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const decoder = new LengthPrefixDecoder({ maxFrameLength: this.maxFrameLength });
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", (error) => this.ctx.log.event(`connection ${peer}: ${error.message}`));
    socket.on("data", (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        this.ctx.log.event(`connection ${peer}: ${(error as Error).message}; closing`);
        socket.destroy();
        return;
      }
      for (const body of frames) {
        if (socket.destroyed) return;
        const frame = Buffer.allocUnsafe(body.length + 2);
        frame.writeUInt16BE(body.length, 0);
        body.copy(frame, 2);
        let outcome: Outcome;
        try {
          outcome = this.processor.handle(frame);
        } catch (error) {
          // A bug in the host must not take the server down: drop this connection and carry on.
          this.ctx.log.event(`internal error on ${peer}: ${(error as Error).stack ?? error}; closing`);
          socket.destroy();
          return;
        }
        this.deliver(socket, outcome);
      }
    });
  }

  private deliver(socket: Socket, outcome: Outcome): void {
    if (outcome.kind === "close") {
      socket.destroy();
      return;
    }
    const action = outcome.action;
    if (action.drop === "after") {
      this.ctx.log.event("behaviour: connection dropped after processing");
      socket.destroy();
      return;
    }
    if (outcome.kind === "silent") return;
    let bytes = outcome.bytes;
    if (action.garbage) {
      const noise = this.ctx.random(Math.max(8, bytes.length - 2));
      bytes =
        action.garbage === "framed"
          ? Buffer.concat([Buffer.from([noise.length >> 8, noise.length & 0xff]), noise])
          : noise;
    }
    const write = () => {
      if (!socket.destroyed) socket.write(bytes);
    };
    if (action.delayMs !== undefined && action.delayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        write();
      }, action.delayMs);
      this.timers.add(timer);
    } else {
      write();
    }
  }
}
