import { EcrLinkError } from "../../firmware/ecr/index.js";
import {
  decodeEcrMessage,
  ECR_PROTOCOL_VERSION,
  type EcrCategory,
  type EcrRequest,
  type EcrResponse,
  ecrMessageText,
  parseEcrText,
  type RequestBodies,
  type ResponseBodies,
} from "../../protocol/ecr/index.js";
import { type ClientPipe, type EcrTarget, openClientPipe } from "./client-pipe.js";

export interface EcrClientOptions {
  /** This sale system's SaleID (default "posctl"). */
  saleId?: string;
  /** The terminal's POIID; learned from the LoginResponse when not given. */
  poiId?: string;
  /** How long to wait for a response (default 120 s: a payment waits for the card and the host). */
  timeoutMs?: number;
  clock?: () => Date;
}

interface Waiter {
  category: EcrCategory;
  resolve: (response: EcrResponse) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

let serviceCounter = 0;

/** A ServiceID unique enough per sale system: milliseconds (base 36, last 7) + a per-process counter. */
export function newServiceId(now = Date.now()): string {
  serviceCounter = (serviceCounter + 1) % 1296;
  return `${now.toString(36).slice(-7)}${serviceCounter.toString(36).padStart(2, "0")}`.toUpperCase();
}

/** ISO 8601 with the local offset, as a cash register stamps its transactions. */
export function localTimeStamp(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n: number) => String(Math.abs(n)).padStart(2, "0");
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  return `${local}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/**
 * The sample sale-system client (what a cash register integrator writes): request/response over any of
 * the three transports, matched by ServiceID. Typical use: connect → login → pay → logout → close.
 */
export class EcrClient {
  readonly saleId: string;
  poiId: string;
  private readonly timeoutMs: number;
  private readonly clock: () => Date;
  private readonly waiters = new Map<string, Waiter>();
  private open = true;

  private constructor(
    private readonly pipe: ClientPipe,
    options: EcrClientOptions,
  ) {
    this.saleId = options.saleId ?? "posctl";
    this.poiId = options.poiId ?? "UNKNOWN";
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.clock = options.clock ?? (() => new Date());
    pipe.onMessage((payload) => this.receive(payload));
    pipe.onClose(() => {
      this.open = false;
      for (const [id, waiter] of this.waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new EcrLinkError(`link closed before the response to ${id}`));
      }
      this.waiters.clear();
    });
  }

  static async connect(target: EcrTarget, options: EcrClientOptions = {}): Promise<EcrClient> {
    return new EcrClient(await openClientPipe(target), options);
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Sends one request and resolves with the response body carrying the same ServiceID. */
  async request<C extends EcrCategory>(
    category: C,
    body: RequestBodies[C],
    options: { serviceId?: string } = {},
  ): Promise<{ serviceId: string; header: EcrResponse["header"]; body: ResponseBodies[C] }> {
    if (!this.open) throw new EcrLinkError("link closed");
    const serviceId = options.serviceId ?? newServiceId(this.clock().getTime());
    const request = {
      type: "Request",
      category,
      header: {
        ProtocolVersion: ECR_PROTOCOL_VERSION,
        MessageClass: "Service",
        ServiceID: serviceId,
        SaleID: this.saleId,
        POIID: this.poiId,
      },
      body,
    } as EcrRequest;
    const text = ecrMessageText(request);
    const response = new Promise<EcrResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(serviceId);
        reject(new EcrLinkError(`no ${category} response within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiters.set(serviceId, { category, resolve, reject, timer });
    });
    try {
      await this.pipe.send(text);
    } catch (error) {
      const waiter = this.waiters.get(serviceId);
      if (waiter) clearTimeout(waiter.timer);
      this.waiters.delete(serviceId);
      throw error;
    }
    const answer = await response;
    return { serviceId, header: answer.header, body: answer.body as ResponseBodies[C] };
  }

  async login(): Promise<ResponseBodies["Login"]> {
    const { header, body } = await this.request("Login", {
      DateTime: localTimeStamp(this.clock()),
      SaleSoftware: {
        ManufacturerID: "pos-terminal-firmware",
        ApplicationName: "posctl ecr",
        SoftwareVersion: "1.0",
      },
    });
    if (body.Response.Result === "Success") this.poiId = header.POIID;
    return body;
  }

  async logout(): Promise<ResponseBodies["Logout"]> {
    return (await this.request("Logout", {})).body;
  }

  /** A sale; `order` is the register's TransactionID (printed on the slip as the order number). */
  pay(amountFen: number, options: { order?: string; serviceId?: string } = {}) {
    return this.payment("Normal", amountFen, options);
  }

  /** A refund of (part of) the sale with POITransactionID `original`. */
  refund(amountFen: number, original: string, options: { order?: string; serviceId?: string } = {}) {
    return this.payment("Refund", amountFen, { ...options, original });
  }

  private async payment(
    type: "Normal" | "Refund",
    amountFen: number,
    options: { order?: string; serviceId?: string; original?: string },
  ): Promise<ResponseBodies["Payment"]> {
    const now = this.clock();
    const order = options.order ?? `R${newServiceId(now.getTime())}`;
    return (
      await this.request(
        "Payment",
        {
          SaleData: { SaleTransactionID: { TransactionID: order, TimeStamp: localTimeStamp(now) } },
          PaymentTransaction: {
            AmountsReq: { Currency: "CNY", RequestedAmount: amountFen },
            ...(options.original
              ? { OriginalPOITransaction: { POITransactionID: { TransactionID: options.original } } }
              : {}),
          },
          PaymentData: { PaymentType: type },
        },
        options.serviceId ? { serviceId: options.serviceId } : {},
      )
    ).body;
  }

  async reverse(poiTransactionId: string): Promise<ResponseBodies["Reversal"]> {
    return (
      await this.request("Reversal", {
        OriginalPOITransaction: { POITransactionID: { TransactionID: poiTransactionId } },
        ReversalReason: "MerchantCancel",
      })
    ).body;
  }

  /** The last transaction, or the one a ServiceID, the register's TransactionID or a POITransactionID names. */
  async status(
    query: { serviceId?: string; transactionId?: string; poiTransactionId?: string } = {},
  ): Promise<ResponseBodies["TransactionStatus"]> {
    return (
      await this.request("TransactionStatus", {
        ...(query.serviceId ? { MessageReference: { ServiceID: query.serviceId, SaleID: this.saleId } } : {}),
        ...(query.transactionId ? { SaleTransactionID: { TransactionID: query.transactionId } } : {}),
        ...(query.poiTransactionId ? { POITransactionID: { TransactionID: query.poiTransactionId } } : {}),
      })
    ).body;
  }

  /** Polls TransactionStatus while the answer is InProgress (after a lost link, until the sale ends). */
  async statusWhenDone(
    query: Parameters<EcrClient["status"]>[0] = {},
    options: { intervalMs?: number; timeoutMs?: number } = {},
  ): Promise<ResponseBodies["TransactionStatus"]> {
    const deadline = Date.now() + (options.timeoutMs ?? this.timeoutMs);
    for (;;) {
      const answer = await this.status(query);
      if (answer.Response.ErrorCondition !== "InProgress" || Date.now() > deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
    }
  }

  async abort(serviceId?: string): Promise<ResponseBodies["Abort"]> {
    return (
      await this.request("Abort", {
        MessageReference: { MessageCategory: "Payment", ...(serviceId ? { ServiceID: serviceId } : {}) },
        AbortReason: "cancelled at the register",
      })
    ).body;
  }

  async close(): Promise<void> {
    this.open = false;
    await this.pipe.close();
  }

  /** Drops the link without a goodbye (tests of link loss). */
  destroy(): void {
    this.pipe.destroy();
  }

  private receive(payload: Buffer | string): void {
    let message: ReturnType<typeof parseEcrText>;
    try {
      message = typeof payload === "string" ? parseEcrText(payload) : decodeEcrMessage(payload);
    } catch {
      return;
    }
    if (message.type !== "Response") return;
    const waiter = this.waiters.get(message.header.ServiceID);
    if (!waiter || waiter.category !== message.category) return;
    this.waiters.delete(message.header.ServiceID);
    clearTimeout(waiter.timer);
    waiter.resolve(message);
  }
}
