import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BindingInterface } from "@serialport/bindings-interface";
import { openSerialLink } from "../../drivers/link/serial-link.js";
import type { CapkStore } from "../../protocol/emv/index.js";
import {
  AcquirerLink,
  type Connector,
  modemConnector,
  tcpConnector,
  tlsConnector,
} from "../acquirer/index.js";
import { parseAdminSettings, storageLayout, UserStore } from "../admin/index.js";
import type { CodeScanner } from "../card-entry/index.js";
import { type CardInput, type CardInputMode, waitForCardInput } from "../card-entry/index.js";
import { emvTerminalConfig, type TerminalSettings } from "../config/index.js";
import { EcrServer, type EcrServerAddresses } from "../ecr/index.js";
import type { RandomSource } from "../emv/contact/index.js";
import { type InstantSettlementReport, queryInstantSettlement } from "../instant-settlement/index.js";
import { Journal, type ReversalReasonCode, type TransactionRecord } from "../journal/index.js";
import { FileSecureElement } from "../keys/file-secure-element.js";
import { KeyStore } from "../keys/key-store.js";
import {
  type ReceiptOptions,
  type SettlementSlipData,
  SlipPrintError,
  SlipPrinter,
} from "../receipts/index.js";
import { RiskPolicy } from "../risk/index.js";
import { type SettlementOutcome, SettlementService } from "../settlement/settlement-service.js";
import { TerminalTms } from "../tms/index.js";
import { AcquirerSession, type FlowLogger } from "../transactions/acquirer-session.js";
import { AdviceQueue } from "../transactions/advice-queue.js";
import { buildEntryPoint, type ChipContext } from "../transactions/card-reading.js";
import { PaymentFlow, type PaymentRequest, type PaymentResult } from "../transactions/payment-flow.js";
import { ReversalQueue } from "../transactions/reversal-queue.js";
import { TransactionError } from "../transactions/transaction-error.js";
import { TerminalAppEcr } from "./ecr-terminal.js";
import { SECURITY_EVENTS_FILE, TamperResponse } from "./tamper-response.js";
import {
  closeDevices,
  createDevices,
  type DeviceFault,
  selfTest,
  type TerminalDevices,
} from "./terminal-devices.js";

export interface TerminalAppOptions {
  settings: TerminalSettings;
  /** The rig's emulated serial binding; the native one when absent. */
  binding?: BindingInterface;
  capks: CapkStore;
  log: FlowLogger;
  clock?: () => Date;
  random?: RandomSource;
  scanner?: CodeScanner;
  /** Also write each slip's text here as `<batch>-<stan>-<copy>.txt` (rigs, demos). */
  slipDir?: string;
  /** Called after each journal commit with its write point (power-cut tests). */
  onJournalCommit?: (point: string) => void;
}

export type PrintOutcome =
  | { ok: true }
  | { ok: false; paperOut: boolean; waiting: boolean; zh: string; en: string };

export interface RecoveryReport {
  reversalsPending: number;
  reversalsSent: number;
  slipsToPrint: number;
  settlementResumed: boolean;
}

/**
 * The terminal: devices from the config, the key store and journal under the storage directory, the
 * acquirer link and the flows, wired once at boot. The statechart drives it through `services` (see
 * terminal-services.ts); `posctl demo` and the tests call the same methods.
 */
export class TerminalApp {
  readonly journal: Journal;
  readonly keys: KeyStore;
  readonly session: AcquirerSession;
  readonly reversals: ReversalQueue;
  readonly advices: AdviceQueue;
  readonly payments: PaymentFlow;
  readonly settlement: SettlementService;
  readonly risk: RiskPolicy;
  readonly slips: SlipPrinter | undefined;
  readonly link: AcquirerLink;
  /** TMS downloads (parameters, CAPKs, AIDs, black list) and their files under the storage directory. */
  readonly tms: TerminalTms;
  /** Tamper state: erases keys on a tamper report and refuses sign-in/pay/settle until re-keyed. */
  readonly tamper: TamperResponse;
  private readonly clock: () => Date;
  private closed = false;
  private ecrServer: EcrServer | undefined;
  /** The last slip file written (with `slipDir`). */
  lastSlipPath: string | undefined;

  private constructor(
    readonly options: TerminalAppOptions,
    readonly devices: TerminalDevices,
    /** Operators and administrators with their passwords and the permissions table (firmware/admin). */
    readonly users: UserStore,
  ) {
    const { settings, log } = options;
    this.clock = options.clock ?? (() => new Date());
    const dir = settings.storage.dir;
    this.journal = Journal.open(join(dir, "journal.db"), {
      clock: this.clock,
      ...(options.onJournalCommit ? { onCommit: options.onJournalCommit } : {}),
    });
    this.keys = new KeyStore(join(dir, "keys"), new FileSecureElement(join(dir, "keys", "device.key")));
    this.link = new AcquirerLink({
      connect: connectorFor(settings, devices),
      tpdu: settings.host.tpdu,
      header: { ...settings.host.header, terminalStatus: 0, processingRequirement: 0 },
      connectTimeoutMs: settings.host.connectTimeoutMs,
      responseTimeoutMs: settings.host.responseTimeoutMs,
      keepAlive: settings.host.keepAlive,
      backoff: settings.host.backoff,
      onEvent: (event) => this.onLinkEvent(event),
    });
    const identity = {
      terminalId: settings.terminal.terminalId,
      merchantId: settings.terminal.merchantId,
      // 63.1 is an3: operator "01" travels as "01 ".
      operator: settings.terminal.operator.padEnd(3, " "),
    };
    this.session = new AcquirerSession({
      link: this.link,
      keys: this.keys,
      journal: this.journal,
      identity,
      log,
      ...(devices.pinpad ? { pinpad: devices.pinpad } : {}),
    });
    this.tamper = new TamperResponse({
      keys: this.keys,
      session: this.session,
      log,
      eventsPath: join(dir, SECURITY_EVENTS_FILE),
      clock: this.clock,
    });
    devices.pinpad?.onTamper(() => this.tamper.respond("pinpad"));
    this.reversals = new ReversalQueue({
      session: this.session,
      journal: this.journal,
      keys: this.keys,
      log,
      maxAttempts: settings.host.reversalRetries,
    });
    this.advices = new AdviceQueue({ session: this.session, journal: this.journal, keys: this.keys, log });
    const emvConfig = emvTerminalConfig(settings);
    const chip: ChipContext = {
      config: emvConfig,
      capks: options.capks,
      clock: this.clock,
      ...(options.random ? { random: options.random } : {}),
      ...(devices.pinpad ? { pinpad: devices.pinpad } : {}),
      noSignatureLimit: settings.receipts.noSignatureLimit,
    };
    this.risk = new RiskPolicy(settings.limits, { now: () => this.clock().getTime() });
    // Built from the AID list in force; rebuilt whenever the TMS replaces it (boot file or a download).
    let entryPoint = buildEntryPoint(chip);
    this.tms = new TerminalTms({
      dir,
      link: this.session,
      counters: this.journal,
      capks: options.capks,
      emv: emvConfig,
      emvInput: settings.emv,
      log,
      onParameters: ({ timeoutSeconds }) => {
        // 12 超时时间: the host's answer timeout, in whole seconds (00 = keep the configured one).
        if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
          this.link.setResponseTimeout(Math.min(120, Math.max(1, timeoutSeconds)) * 1000);
        }
      },
      onAids: () => {
        entryPoint = buildEntryPoint(chip);
      },
    });
    this.tms.load();
    this.payments = new PaymentFlow({
      risk: this.risk,
      velocity: settings.limits.velocity,
      session: this.session,
      reversals: this.reversals,
      journal: this.journal,
      keys: this.keys,
      log,
      chip,
      ...(devices.contact ? { contact: devices.contact } : {}),
      ...(devices.nfc ? { nfc: devices.nfc, entryPoint: () => entryPoint } : {}),
      fallbackAllowed: settings.features.fallback,
      screenCard: (card) => this.tms.screenCard(card),
    });
    this.settlement = new SettlementService({
      session: this.session,
      journal: this.journal,
      keys: this.keys,
      reversals: this.reversals,
      advices: this.advices,
      log,
    });
    this.slips = devices.printer
      ? new SlipPrinter(
          devices.printer,
          {
            copiesPrinted: (id, copies) => this.journal.update(id, { copiesPrinted: copies }),
            saveReceipt: (id, copy, text) => {
              this.journal.saveReceipt(id, copy, text);
              if (!options.slipDir) return undefined;
              // The slip as text beside the journal's copy: what the rig's console and the demo show.
              const record = this.journal.get(id);
              const path = join(
                options.slipDir,
                `${record?.batch ?? "000000"}-${record?.stan ?? id}-${copy}.txt`,
              );
              mkdirSync(options.slipDir, { recursive: true, mode: 0o700 });
              writeFileSync(path, `${text}\n`, { mode: 0o600 });
              this.lastSlipPath = path;
              return path;
            },
          },
          receiptOptions(settings),
        )
      : undefined;
  }

  static async boot(options: TerminalAppOptions): Promise<TerminalApp> {
    const devices = await createDevices(options.settings.devices, {
      ...(options.binding ? { binding: options.binding } : {}),
      spoolDir: join(options.settings.storage.dir, "spool"),
    });
    try {
      const users = await UserStore.open(storageLayout(options.settings.storage.dir).users, {
        settings: parseAdminSettings(options.settings.admin, "admin"),
        ...(options.clock ? { clock: options.clock } : {}),
      });
      return new TerminalApp(options, devices, users);
    } catch (error) {
      await closeDevices(devices);
      throw error;
    }
  }

  get settings(): TerminalSettings {
    return this.options.settings;
  }

  selfTest(): Promise<DeviceFault[]> {
    return selfTest(this.devices);
  }

  /**
   * 开机恢复: what a power cut left behind. Pending reversals go first (before any new sign-in replaces
   * the TDK their PANs are stored under); slips not fully printed are counted for the print queue; an
   * interrupted settlement is finished.
   */
  async recover(signal?: AbortSignal): Promise<RecoveryReport> {
    const pending = this.reversals.pending().length;
    let sent = 0;
    if (pending > 0 && this.session.signedIn) {
      try {
        sent = (await this.reversals.flush(signal)).confirmed;
      } catch {
        // The link is down: they go before the next online message.
      }
    }
    const repeats = this.queueUnansweredRequests();
    if (repeats > 0 && this.session.signedIn) await this.advices.flushRepeats(signal).catch(() => undefined);
    const problems = this.journal.integrityProblems();
    if (problems.length > 0) this.options.log.error({ problems }, "journal integrity check failed");
    // A settlement a power cut interrupted is finished now, from its persisted stage and upload flags.
    let settlementResumed = false;
    if (this.journal.currentSettlement() !== undefined && this.session.signedIn) {
      try {
        await this.settlement.settle(signal);
        settlementResumed = true;
      } catch (error) {
        this.options.log.warn({ error: (error as Error).message }, "interrupted settlement not finished yet");
      }
    }
    return {
      reversalsPending: pending,
      reversalsSent: sent,
      slipsToPrint: this.journal.unprinted(this.settings.receipts.copies).length,
      settlementResumed,
    };
  }

  /**
   * Rows a power cut left pending without a reversal record: a refund (0220, not reversible) may or may
   * not have reached the host, so it is queued to go again; a balance inquiry moved no money and fails.
   * Returns how many requests wait to be repeated.
   */
  private queueUnansweredRequests(): number {
    for (const row of this.journal.query({ status: "pending" })) {
      if (row.reversal || row.advice !== "none") continue;
      if (row.type === "refund") {
        this.journal.update(row.id, { advice: "queued" });
      } else if (row.type === "balance") {
        this.journal.update(row.id, { status: "failed" });
      }
    }
    return this.journal.queuedAdvices().filter((r) => r.status === "pending").length;
  }

  /** Sign-in; then any reversal that could not go before it (its PAN may now go without field 2). */
  async signIn(signal?: AbortSignal): Promise<{ batch: string }> {
    this.tamper.assertMayTrade("sign-in");
    const result = await this.session.signIn(signal);
    await this.reversals.flush(signal).catch(() => undefined);
    await this.advices.flushRepeats(signal).catch(() => undefined);
    // The host's 处理要求 (parameters, CAPKs, AIDs): downloaded now; a failure keeps the old files.
    await this.tms.runPending(signal);
    return result;
  }

  /** Which inputs a request accepts, from the feature switches and the readers present. */
  inputModes(): CardInputMode[] {
    const f = this.settings.features;
    const d = this.devices;
    const modes: CardInputMode[] = [];
    if (f.swipe && d.magstripe) modes.push("swipe");
    if (f.insert && d.contact) modes.push("insert");
    if (f.tap && d.nfc) modes.push("tap");
    if (f.qr && this.options.scanner) modes.push("qr");
    return modes;
  }

  waitForCard(signal: AbortSignal, modes: readonly CardInputMode[] = this.inputModes()): Promise<CardInput> {
    return waitForCardInput(
      {
        ...(this.devices.magstripe ? { magstripe: this.devices.magstripe } : {}),
        ...(this.devices.contact ? { contact: this.devices.contact } : {}),
        ...(this.devices.nfc ? { nfc: this.devices.nfc } : {}),
        ...(this.options.scanner ? { scanner: this.options.scanner } : {}),
      },
      { modes, signal },
    );
  }

  /** 请取卡: resolves once the contact slot is empty (the card must leave before the next transaction). */
  async waitForCardRemoval(signal?: AbortSignal): Promise<void> {
    const contact = this.devices.contact;
    if (!contact?.cardPresent) return;
    for await (const event of contact.cardEvents(signal)) if (event.type === "removed") return;
  }

  pay(request: PaymentRequest): Promise<PaymentResult> {
    return this.tamper.guard("pay", () => this.payments.run(request));
  }

  /**
   * 冲正 on request (a sale system cancelling the terminal's last transaction): the row gets a pending
   * reversal with `reason`, written before the 0400 leaves, and the queue sends it now (and again before the
   * next online message if the host cannot be reached). Resolves with the row as it then stands.
   */
  async reverse(id: number, reason: ReversalReasonCode, signal?: AbortSignal): Promise<TransactionRecord> {
    const record = this.journal.get(id);
    if (!record) throw new TransactionError("original", "原交易不存在", "No such transaction");
    if (record.status !== "approved") {
      throw new TransactionError("original", "原交易未成功", `The transaction is ${record.status}`);
    }
    this.journal.update(id, { reversal: { state: "pending", reason, attempts: 0 } });
    await this.reversals.flush(signal).catch(() => undefined);
    return this.journal.get(id)!;
  }

  settle(signal?: AbortSignal): Promise<SettlementOutcome> {
    return this.tamper.guard("settle", () => this.settlement.settle(signal));
  }

  /**
   * Prints the copies of a slip not yet printed (all of them again when `reprint`). A printer fault
   * (paper out, cover open) is answered, not thrown: the copy stays in the spool and prints by itself
   * once the fault is cleared (`waitForSlip` follows it), so no slip is ever lost.
   */
  async printSlip(
    id: number,
    options: { reprint?: boolean; signal?: AbortSignal } = {},
  ): Promise<PrintOutcome> {
    const record = this.journal.get(id);
    if (!record)
      return { ok: false, paperOut: false, waiting: false, zh: "无此交易", en: "No such transaction" };
    if (!this.slips) return { ok: false, paperOut: false, waiting: false, zh: "无打印机", en: "No printer" };
    try {
      await this.slips.printTransaction(record, options);
      return { ok: true };
    } catch (error) {
      if (!(error instanceof SlipPrintError)) throw error;
      const paperOut = error.reason === "paper-out";
      this.options.log.warn({ id, reason: error.reason, waiting: error.waiting }, "slip held by the printer");
      return {
        ok: false,
        paperOut,
        waiting: error.waiting,
        zh: paperOut ? "打印机缺纸 请装纸" : `打印机故障 ${error.reason}`,
        en: paperOut ? "Printer out of paper: load paper" : `Printer fault: ${error.reason}`,
      };
    }
  }

  /**
   * Resolves when every configured copy of slip `id` is on paper: the held copy prints by itself when the
   * fault clears, and the copies after it are sent then (retrying while the printer still refuses).
   */
  async completeSlip(id: number, signal?: AbortSignal, retryMs = 100): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const outcome = await this.printSlip(id, signal ? { signal } : {});
      if (outcome.ok) return;
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }

  /**
   * 结算单: printed once (a printer fault leaves it spooled; it prints when cleared) and kept as text in
   * the run's directory-free form: the returned text is what went to paper.
   */
  async printSettlement(data: SettlementSlipData, signal?: AbortSignal): Promise<string | undefined> {
    if (!this.slips) return undefined;
    try {
      return (await this.slips.printSettlement(data, signal)).text;
    } catch (error) {
      if (!(error instanceof SlipPrintError)) throw error;
      this.options.log.warn(
        { batch: data.batch, reason: error.reason },
        "settlement slip held by the printer",
      );
      return undefined;
    }
  }

  /** D0 (实时到账) funds and balance from the host, joined with the journal (firmware/instant-settlement). */
  async queryInstantSettlement(signal?: AbortSignal, date?: string): Promise<InstantSettlementReport> {
    // Without working keys there is no session to ask with: refused as a tampered terminal's sign-in is.
    this.tamper.assertMayTrade("sign-in");
    return queryInstantSettlement(this.session, this.journal, {
      ...(signal ? { signal } : {}),
      ...(date !== undefined ? { date } : {}),
    });
  }

  /** 实时到账查询单: printed once; the text that went to paper, undefined without a printer. */
  async printInstantSettlement(
    report: InstantSettlementReport,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    if (!this.slips) return undefined;
    const { terminalId, merchantId, operator } = this.settings.terminal;
    const data = { terminalId, merchantId, operator, queriedAt: this.clock(), report };
    return (await this.slips.printInstantSettlement(data, signal)).text;
  }

  /** Slips a power cut or a paper-out left unfinished. */
  unprinted(): TransactionRecord[] {
    return this.journal.unprinted(this.settings.receipts.copies);
  }

  /**
   * Starts the cash-register link(s) the config names (`ecr`): TCP, WebSocket, serial. Resolves with the
   * bound addresses; `close()` stops them. Idempotent.
   */
  async startEcr(): Promise<EcrServerAddresses> {
    const ecr = this.settings.ecr;
    if (!ecr || this.ecrServer) return {};
    const binding = this.options.binding;
    this.ecrServer = new EcrServer({
      terminal: new TerminalAppEcr(this),
      ...(ecr.tcp ? { tcp: ecr.tcp } : {}),
      ...(ecr.ws
        ? { ws: { host: ecr.ws.host, port: ecr.ws.port, ...(ecr.ws.path ? { path: ecr.ws.path } : {}) } }
        : {}),
      ...(ecr.serial
        ? {
            serial: {
              open: () =>
                openSerialLink({
                  path: ecr.serial!.path,
                  baudRate: ecr.serial!.baudRate,
                  ...(binding ? { binding } : {}),
                }),
            },
          }
        : {}),
      log: this.options.log,
    });
    return this.ecrServer.start();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ecrServer?.close();
    await this.link.close();
    await closeDevices(this.devices);
    this.journal.close();
  }

  private onLinkEvent(event: { kind: string; message?: { fields: Record<number, string> } }): void {
    if (event.kind !== "unmatched" || !event.message) return;
    const f = event.message.fields;
    // A late answer: its request already has a pending reversal (the timeout armed it), which undoes an approval.
    this.options.log.warn({ stan: f[11], code: f[39] }, "late or unmatched host response ignored");
  }
}

function connectorFor(settings: TerminalSettings, devices: TerminalDevices): Connector {
  const host = settings.host;
  if (host.transport === "modem") {
    if (!devices.modem) throw new Error("host.transport is modem but devices.modem is not configured");
    return modemConnector(devices.modem, host.host, host.port, { apn: host.apn });
  }
  if (host.transport === "tls")
    return tlsConnector({ host: host.host, port: host.port, ...(host.tls ?? {}) });
  return tcpConnector({ host: host.host, port: host.port });
}

export function receiptOptions(settings: TerminalSettings): ReceiptOptions {
  return {
    merchantName: settings.terminal.merchantName,
    ...(settings.terminal.merchantNameEn ? { merchantNameEn: settings.terminal.merchantNameEn } : {}),
    columns: settings.receipts.columns,
    copies: settings.receipts.copies as ReceiptOptions["copies"],
    ...(settings.receipts.headerLines ? { headerLines: settings.receipts.headerLines } : {}),
    ...(settings.receipts.footerLines ? { footerLines: settings.receipts.footerLines } : {}),
    ...(settings.receipts.eReceipt ? { eReceipt: settings.receipts.eReceipt } : {}),
  };
}
