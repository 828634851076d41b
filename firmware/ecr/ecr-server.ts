import type { LinkOpener } from "../../drivers/link/byte-link.js";
import {
  decodeEcrMessage,
  ECR_PROTOCOL_VERSION,
  type EcrCategory,
  type EcrHeader,
  type EcrRequest,
  type EcrResponse,
  type EcrResult,
  ecrMessageText,
  parseEcrHeader,
  parseEcrText,
  type RequestBodies,
  type ResponseBodies,
} from "../../protocol/ecr/index.js";
import type { EcrConnection, EcrConnectionSink } from "./ecr-connection.js";
import type { EcrLookup, EcrStage, EcrTerminal } from "./ecr-terminal.js";
import { EcrSerialTransport } from "./serial-transport.js";
import { EcrTcpTransport, type ListenAddress } from "./tcp-transport.js";
import { EcrWsTransport } from "./ws-transport.js";

export interface EcrLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface EcrServerOptions {
  terminal: EcrTerminal;
  /** TCP listen address (4-byte length framing); loopback unless the merchant's LAN needs it. */
  tcp?: ListenAddress;
  /** WebSocket listen address (one JSON text message per frame). */
  ws?: ListenAddress & { path?: string };
  /** Serial port (STX/ETX/LRC with ACK/NAK). */
  serial?: { open: LinkOpener; ackTimeoutMs?: number; maxResends?: number };
  log?: EcrLogger;
  clock?: () => Date;
  /** How long a payment waits for the card before it ends as Aborted (default 60 s). */
  cardTimeoutMs?: number;
  /** Finished transactions kept in memory for TransactionStatus (default 50); older ones come from the journal. */
  keepResults?: number;
}

export interface EcrServerAddresses {
  tcp?: ListenAddress;
  ws?: ListenAddress;
}

type Transactional = "Payment" | "Reversal";

interface Running {
  key: string;
  saleId: string;
  serviceId: string;
  category: Transactional;
  saleTransactionId?: string;
  stage: EcrStage;
  abort: AbortController;
}

interface Finished {
  key: string;
  request: EcrRequest;
  response: EcrResponse;
}

const silent: EcrLogger = { info() {}, warn() {}, error() {} };

const failure = (condition: EcrResult["ErrorCondition"], text?: string): EcrResult => ({
  Result: "Failure",
  ...(condition ? { ErrorCondition: condition } : {}),
  ...(text ? { AdditionalResponse: text.slice(0, 1024) } : {}),
});

/**
 * The terminal's ECR endpoint. Rules (docs/ecr-protocol.md §5):
 * - one sale system in control: Login binds its SaleID until Logout or until its link goes away (with no
 *   transaction running); any other SaleID is refused (Refusal), a request without a Login gets LoggedOut;
 * - one transaction at a time: Payment, Reversal and Logout during a running transaction get Busy;
 *   TransactionStatus (InProgress) and Abort are answered;
 * - ServiceID is idempotent: a repeat of a finished request gets its stored response again, a repeat of the
 *   running one is ignored (its response is coming), so a resent serial frame never pays twice;
 * - a lost link never loses the result: the transaction runs to its end, its response is kept (memory, and
 *   the journal through the terminal), and TransactionStatus returns it.
 */
export class EcrServer {
  private readonly terminal: EcrTerminal;
  private readonly log: EcrLogger;
  private readonly clock: () => Date;
  private readonly cardTimeoutMs: number;
  private readonly keepResults: number;
  private readonly sink: EcrConnectionSink = {
    receive: (connection, payload) => this.receive(connection, payload),
    closed: (connection) => this.connectionClosed(connection),
  };
  private readonly tcp = new EcrTcpTransport(this.sink);
  private readonly ws = new EcrWsTransport(this.sink);
  private readonly serial = new EcrSerialTransport(this.sink);
  private controller: { saleId: string; connection: EcrConnection | undefined } | undefined;
  private running: Running | undefined;
  private runningWork: Promise<void> | undefined;
  private readonly finished: Finished[] = [];
  private stopping = false;

  constructor(private readonly options: EcrServerOptions) {
    this.terminal = options.terminal;
    this.log = options.log ?? silent;
    this.clock = options.clock ?? (() => new Date());
    this.cardTimeoutMs = options.cardTimeoutMs ?? 60_000;
    this.keepResults = options.keepResults ?? 50;
  }

  async start(): Promise<EcrServerAddresses> {
    const addresses: EcrServerAddresses = {};
    try {
      if (this.options.tcp) addresses.tcp = await this.tcp.listen(this.options.tcp);
      if (this.options.ws) addresses.ws = await this.ws.listen(this.options.ws);
      if (this.options.serial) await this.serial.open(this.options.serial);
    } catch (error) {
      await this.close();
      throw error;
    }
    this.log.info({ ...addresses, serial: this.options.serial !== undefined }, "ECR server listening");
    return addresses;
  }

  /** Serial link counters (frames, NAKs, resends) for diagnostics and tests. */
  get serialStats() {
    return this.serial.stats;
  }

  /** Where the running transaction is (undefined when idle): rigs wait for "waiting-card" to present a card. */
  get transactionStage(): EcrStage | undefined {
    return this.running?.stage;
  }

  /** The SaleID in control, if any. */
  get controllingSaleId(): string | undefined {
    return this.controller?.saleId;
  }

  /** Stops listening and closes every link; a transaction past the card read is waited for, never abandoned. */
  async close(): Promise<void> {
    this.stopping = true;
    // Nothing has moved yet while the terminal waits for the card; anything later runs to its end.
    const running = this.running;
    if (running && (running.stage === "waiting-card" || running.stage === "starting")) {
      running.abort.abort(new Error("ECR server closed"));
    }
    await Promise.all([this.tcp.close(), this.ws.close(), this.serial.close()]);
    await this.runningWork;
  }

  // ---- what the transports deliver ----------------------------------------------------------------

  private receive(connection: EcrConnection, payload: Buffer | string): void {
    let request: EcrRequest;
    try {
      const message = typeof payload === "string" ? parseEcrText(payload) : decodeEcrMessage(payload);
      if (message.type !== "Request") throw new Error("the terminal only takes requests");
      request = message;
    } catch (error) {
      this.rejectMalformed(connection, payload, error as Error);
      return;
    }
    try {
      this.dispatch(connection, request);
    } catch (error) {
      this.log.error({ error: (error as Error).message }, "ECR request failed");
      this.reply(connection, request, { Response: failure("UnavailableService", (error as Error).message) });
    }
  }

  private connectionClosed(connection: EcrConnection): void {
    if (this.controller?.connection !== connection) return;
    // Control survives a lost link while a transaction runs (its owner comes back for the result).
    if (this.running) this.controller.connection = undefined;
    else this.controller = undefined;
    this.log.info({ connection: connection.id }, "ECR controller link closed");
  }

  // ---- rules ---------------------------------------------------------------------------------------

  private dispatch(connection: EcrConnection, request: EcrRequest): void {
    const { header } = request;
    if (request.category === "Login") {
      this.login(connection, request);
      return;
    }
    if (!this.controller) {
      this.reply(connection, request, { Response: failure("LoggedOut", "send a LoginRequest first") });
      return;
    }
    if (this.controller.saleId !== header.SaleID) {
      this.reply(connection, request, {
        Response: failure("Refusal", `sale system ${this.controller.saleId} is in control`),
      });
      return;
    }
    const poiId = this.terminal.poiId;
    if (header.POIID !== poiId) {
      this.reply(connection, request, { Response: failure("NotAllowed", `this terminal is POIID ${poiId}`) });
      return;
    }
    switch (request.category) {
      case "Logout":
        if (this.running) {
          this.reply(connection, request, { Response: failure("Busy", "a transaction is running") });
          return;
        }
        this.controller = undefined;
        this.reply(connection, request, { Response: { Result: "Success" } });
        return;
      case "Payment":
      case "Reversal":
        this.transaction(connection, request);
        return;
      case "TransactionStatus":
        this.status(connection, request);
        return;
      case "Abort":
        this.abort(connection, request);
        return;
    }
  }

  private login(connection: EcrConnection, request: Extract<EcrRequest, { category: "Login" }>): void {
    const saleId = request.header.SaleID;
    if (this.controller && this.controller.saleId !== saleId) {
      this.reply(connection, request, {
        Response: failure("Refusal", `sale system ${this.controller.saleId} is in control`),
      });
      return;
    }
    this.controller = { saleId, connection };
    this.log.info({ saleId, connection: connection.id }, "ECR login");
    this.reply(connection, request, {
      Response: { Result: "Success" },
      POISystemData: { DateTime: this.clock().toISOString() },
    });
  }

  private transaction(
    connection: EcrConnection,
    request: Extract<EcrRequest, { category: Transactional }>,
  ): void {
    const key = `${request.header.SaleID}/${request.header.ServiceID}`;
    const done = this.finished.find((f) => f.key === key);
    if (done) {
      // A repeat (a resent frame, a client retry): the stored answer again, never a second payment.
      void this.send(connection, done.response);
      return;
    }
    if (this.running) {
      if (this.running.key === key) return;
      this.reply(connection, request, { Response: failure("Busy", "a transaction is running") });
      return;
    }
    const abort = new AbortController();
    const running: Running = {
      key,
      saleId: request.header.SaleID,
      serviceId: request.header.ServiceID,
      category: request.category,
      stage: "starting",
      abort,
      ...(request.category === "Payment"
        ? { saleTransactionId: request.body.SaleData.SaleTransactionID.TransactionID }
        : {}),
    };
    this.running = running;
    const timer = setTimeout(() => abort.abort(new Error("no card presented in time")), this.cardTimeoutMs);
    const control = {
      signal: abort.signal,
      onStage: (stage: EcrStage) => {
        running.stage = stage;
        // Once the card is read the transaction must run to its end: the card timeout no longer applies.
        if (stage !== "waiting-card" && stage !== "starting") clearTimeout(timer);
      },
    };
    this.log.info(
      { saleId: running.saleId, serviceId: running.serviceId, category: running.category },
      "ECR transaction",
    );
    const work: Promise<ResponseBodies[Transactional]> =
      request.category === "Payment"
        ? this.terminal.payment(request.body, control)
        : this.terminal.reversal(request.body, control);
    this.runningWork = work
      .catch((error: Error) => ({
        Response: abort.signal.aborted
          ? failure("Aborted", String((abort.signal.reason as Error)?.message ?? "aborted"))
          : failure("UnavailableService", error.message),
      }))
      .then((body) => {
        clearTimeout(timer);
        const response = this.response(request, body);
        this.remember({ key, request, response });
        this.running = undefined;
        this.runningWork = undefined;
        if (this.controller && this.controller.connection === undefined) this.controller = undefined;
        this.log.info({ key, result: body.Response.Result }, "ECR transaction finished");
        if (connection.isOpen && !this.stopping) void this.send(connection, response);
      });
  }

  private status(
    connection: EcrConnection,
    request: Extract<EcrRequest, { category: "TransactionStatus" }>,
  ): void {
    const q = request.body;
    const ref = q.MessageReference;
    const saleId = ref?.SaleID ?? request.header.SaleID;
    const running = this.running;
    if (running) {
      const asksRunning =
        (ref?.ServiceID !== undefined && ref.ServiceID === running.serviceId && saleId === running.saleId) ||
        (q.SaleTransactionID !== undefined &&
          q.SaleTransactionID.TransactionID === running.saleTransactionId) ||
        (ref?.ServiceID === undefined &&
          q.SaleTransactionID === undefined &&
          q.POITransactionID === undefined);
      if (asksRunning) {
        this.reply(connection, request, {
          Response: failure("InProgress", `transaction ${running.serviceId} is ${running.stage}`),
          MessageReference: {
            MessageCategory: running.category,
            ServiceID: running.serviceId,
            SaleID: running.saleId,
          },
        });
        return;
      }
    }
    const found = this.findFinished(q, saleId) ?? this.recover(q, request.header);
    if (!found) {
      this.reply(connection, request, { Response: failure("NotFound", "no such transaction") });
      return;
    }
    const { response } = found;
    this.reply(connection, request, {
      Response: { Result: "Success" },
      MessageReference: {
        MessageCategory: response.category as Transactional,
        ServiceID: response.header.ServiceID,
        SaleID: response.header.SaleID,
      },
      RepeatedMessageResponse: {
        MessageHeader: { ...response.header, MessageCategory: response.category, MessageType: "Response" },
        RepeatedResponseMessageBody:
          response.category === "Payment"
            ? { PaymentResponse: response.body as ResponseBodies["Payment"] }
            : { ReversalResponse: response.body as ResponseBodies["Reversal"] },
      },
    });
  }

  private findFinished(q: RequestBodies["TransactionStatus"], saleId: string): Finished | undefined {
    const newestFirst = [...this.finished].reverse();
    const ref = q.MessageReference;
    if (ref?.ServiceID !== undefined) {
      return newestFirst.find(
        (f) =>
          f.key === `${saleId}/${ref.ServiceID}` &&
          (ref.MessageCategory === undefined || f.request.category === ref.MessageCategory),
      );
    }
    if (q.SaleTransactionID) {
      const id = q.SaleTransactionID.TransactionID;
      return newestFirst.find(
        (f) =>
          f.request.category === "Payment" && f.request.body.SaleData.SaleTransactionID.TransactionID === id,
      );
    }
    if (q.POITransactionID) {
      const id = q.POITransactionID.TransactionID;
      return newestFirst.find(
        (f) =>
          f.response.category === "Payment" && f.response.body.POIData?.POITransactionID.TransactionID === id,
      );
    }
    return newestFirst[0];
  }

  /** Not in memory (a restart, or long ago): the terminal's journal. ServiceID is not kept there. */
  private recover(
    q: RequestBodies["TransactionStatus"],
    header: EcrHeader,
  ): { response: EcrResponse } | undefined {
    if (q.MessageReference?.ServiceID !== undefined) return undefined;
    const lookup: EcrLookup = q.SaleTransactionID
      ? { saleTransactionId: q.SaleTransactionID.TransactionID }
      : q.POITransactionID
        ? { poiTransactionId: q.POITransactionID.TransactionID }
        : { last: true };
    const found = this.terminal.find(lookup);
    if (!found) return undefined;
    return {
      response: {
        type: "Response",
        category: "Payment",
        header: { ...header, POIID: this.terminal.poiId, ServiceID: "RECOVERED" },
        body: found.body,
      },
    };
  }

  private abort(connection: EcrConnection, request: Extract<EcrRequest, { category: "Abort" }>): void {
    const running = this.running;
    const ref = request.body.MessageReference;
    if (!running || (ref.ServiceID !== undefined && ref.ServiceID !== running.serviceId)) {
      this.reply(connection, request, { Response: failure("NotFound", "no such transaction in progress") });
      return;
    }
    if (running.stage !== "waiting-card" && running.stage !== "starting") {
      this.reply(connection, request, {
        Response: failure(
          "NotAllowed",
          "the card is read: the transaction completes; ask its TransactionStatus",
        ),
      });
      return;
    }
    running.abort.abort(new Error(request.body.AbortReason ?? "aborted by the sale system"));
    this.reply(connection, request, { Response: { Result: "Success" } });
  }

  // ---- plumbing ------------------------------------------------------------------------------------

  private remember(entry: Finished): void {
    this.finished.push(entry);
    while (this.finished.length > this.keepResults) this.finished.shift();
  }

  private response<C extends EcrCategory>(
    request: Extract<EcrRequest, { category: C }>,
    body: ResponseBodies[C],
  ): EcrResponse {
    return {
      type: "Response",
      category: request.category,
      header: { ...request.header, POIID: this.terminal.poiId },
      body,
    } as EcrResponse;
  }

  private reply<C extends EcrCategory>(
    connection: EcrConnection,
    request: Extract<EcrRequest, { category: C }>,
    body: ResponseBodies[C],
  ): void {
    void this.send(connection, this.response(request, body));
  }

  private async send(connection: EcrConnection, response: EcrResponse): Promise<void> {
    try {
      await connection.send(ecrMessageText(response));
    } catch (error) {
      this.log.warn(
        { connection: connection.id, error: (error as Error).message },
        "ECR response not delivered",
      );
    }
  }

  /** A body that does not parse: answered with MessageFormat when the header is readable, else dropped. */
  private rejectMalformed(connection: EcrConnection, payload: Buffer | string, error: Error): void {
    this.log.warn({ connection: connection.id, error: error.message }, "malformed ECR message");
    let header: ReturnType<typeof parseEcrHeader>;
    try {
      const text = typeof payload === "string" ? payload : payload.toString("utf8");
      header = parseEcrHeader(JSON.parse(text));
    } catch {
      return;
    }
    if (header.MessageType !== "Request") return;
    const { MessageCategory: category, MessageType: _t, ...rest } = header;
    const response = {
      type: "Response",
      category,
      header: { ...rest, POIID: this.terminal.poiId, ProtocolVersion: ECR_PROTOCOL_VERSION },
      body: { Response: failure("MessageFormat", error.message) },
    } as EcrResponse;
    void this.send(connection, response);
  }
}
