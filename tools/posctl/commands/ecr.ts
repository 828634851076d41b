import type { Command } from "commander";
import { parsePoiTransactionId } from "../../../firmware/ecr/index.js";
import {
  decimalFromFen,
  type EcrCategory,
  fenFromDecimal,
  RESPONSE_SCHEMAS,
  type ResponseBodies,
} from "../../../protocol/ecr/index.js";
import { EcrClient, type EcrTarget } from "../../ecr/index.js";
import { action, UsageError } from "../cli-error.js";

/** Flags every `posctl ecr` subcommand shares. */
export interface EcrCommonOptions {
  port?: string;
  tcp?: string;
  ws?: string;
  baud?: string;
  saleId?: string;
  timeout?: string;
  json?: boolean;
}

export function ecrTarget(options: EcrCommonOptions): EcrTarget {
  const given = [options.port, options.tcp, options.ws].filter((v) => v !== undefined);
  if (given.length !== 1) throw new UsageError("give exactly one of --port PATH, --tcp HOST:PORT, --ws URL");
  if (options.port !== undefined) {
    const baudRate = options.baud === undefined ? 115200 : Number(options.baud);
    if (!/^\d{3,7}$/.test(options.baud ?? "115200"))
      throw new UsageError("--baud must be a decimal baud rate");
    return { serial: options.port, baudRate };
  }
  if (options.tcp !== undefined) {
    const match = /^(.+):(\d{1,5})$/.exec(options.tcp);
    if (!match || Number(match[2]) > 65535) throw new UsageError("--tcp must be HOST:PORT");
    return { tcp: { host: match[1]!, port: Number(match[2]) } };
  }
  if (!/^wss?:\/\/\S+$/.test(options.ws!)) throw new UsageError("--ws must be a ws:// or wss:// URL");
  return { ws: options.ws! };
}

export function amountFlag(text: string | undefined): number {
  if (text === undefined) throw new UsageError("missing --amount");
  const fen = fenFromDecimal(text);
  if (fen === undefined || fen === 0) {
    throw new UsageError('--amount must be yuan with at most 2 decimals, more than 0, e.g. "12.34"');
  }
  return fen;
}

function poiIdFlag(text: string | undefined, flag: string): string {
  if (text === undefined) throw new UsageError(`missing ${flag}`);
  if (!parsePoiTransactionId(text))
    throw new UsageError(`${flag} must be the terminal's BATCH-STAN, e.g. 000001-000123`);
  return text;
}

function timeoutMs(text: string | undefined): number {
  if (text === undefined) return 120_000;
  if (!/^\d{1,4}$/.test(text) || Number(text) === 0)
    throw new UsageError("--timeout must be 1..9999 seconds");
  return Number(text) * 1000;
}

type Answer =
  | ResponseBodies["Payment"]
  | ResponseBodies["Reversal"]
  | ResponseBodies["TransactionStatus"]
  | ResponseBodies["Abort"];

/** The answer as a cashier reads it: result, card, codes, then the slip. */
export function describeAnswer(answer: Answer): string[] {
  const lines: string[] = [];
  const r = answer.Response;
  lines.push(`result       ${r.Result}${r.ErrorCondition ? ` (${r.ErrorCondition})` : ""}`);
  if (r.AdditionalResponse) lines.push(`message      ${r.AdditionalResponse}`);
  if ("ReversalMethod" in answer && answer.ReversalMethod)
    lines.push(`method       ${answer.ReversalMethod}`);
  if ("ReversedAmount" in answer && answer.ReversedAmount !== undefined) {
    lines.push(`reversed     ${decimalFromFen(answer.ReversedAmount)} CNY`);
  }
  const payment =
    "RepeatedMessageResponse" in answer
      ? answer.RepeatedMessageResponse?.RepeatedResponseMessageBody.PaymentResponse
      : "PaymentResult" in answer || "SaleData" in answer
        ? (answer as ResponseBodies["Payment"])
        : undefined;
  if ("RepeatedMessageResponse" in answer && answer.RepeatedMessageResponse) {
    const h = answer.RepeatedMessageResponse.MessageHeader;
    lines.push(`repeats      ${h.MessageCategory} ${h.ServiceID} of ${h.SaleID}`);
    if (payment)
      lines.push(
        `  payment    ${payment.Response.Result}${payment.Response.ErrorCondition ? ` (${payment.Response.ErrorCondition})` : ""}`,
      );
  }
  if (!payment) return lines;
  const sale = payment.SaleData?.SaleTransactionID.TransactionID;
  if (sale) lines.push(`order        ${sale}`);
  const poi = payment.POIData?.POITransactionID.TransactionID;
  if (poi) lines.push(`transaction  ${poi}`);
  const result = payment.PaymentResult;
  if (result?.AmountsResp)
    lines.push(
      `amount       ${decimalFromFen(result.AmountsResp.AuthorizedAmount)} CNY (${result.PaymentType})`,
    );
  const card = result?.PaymentInstrumentData?.CardData;
  if (card)
    lines.push(
      `card         ${card.MaskedPAN} ${card.EntryMode.join("/")}${card.PaymentBrand ? ` ${card.PaymentBrand}` : ""}`,
    );
  const acq = result?.PaymentAcquirerData;
  if (acq) {
    if (acq.ApprovalCode) lines.push(`auth code    ${acq.ApprovalCode}`);
    if (acq.AcquirerTransactionID) lines.push(`RRN          ${acq.AcquirerTransactionID.TransactionID}`);
    lines.push(`trace/batch  ${acq.TraceNumber}/${acq.BatchNumber}  TID ${acq.AcquirerPOIID}`);
  }
  for (const receipt of payment.PaymentReceipt ?? []) {
    lines.push(`--- ${receipt.DocumentQualifier} ---`);
    for (const line of receipt.OutputContent.OutputText) lines.push(line.Text);
  }
  return lines;
}

/** Connect, log in, run `fn`, log out, close; print the answer; exit 1 when the terminal says Failure. */
async function session(
  options: EcrCommonOptions,
  category: EcrCategory,
  fn: (client: EcrClient) => Promise<Answer>,
): Promise<void> {
  const target = ecrTarget(options);
  const client = await EcrClient.connect(target, {
    ...(options.saleId ? { saleId: options.saleId } : {}),
    timeoutMs: timeoutMs(options.timeout),
  });
  try {
    const login = await client.login();
    const loggedIn = login.Response.Result === "Success";
    const answer = loggedIn ? await fn(client) : login;
    if (loggedIn) await client.logout().catch(() => undefined);
    // --json prints the body as it travels (amounts as decimal strings), not the typed value.
    const wire = RESPONSE_SCHEMAS[loggedIn ? category : "Login"].encode(answer as never);
    process.stdout.write(
      options.json ? `${JSON.stringify(wire, null, 2)}\n` : `${describeAnswer(answer).join("\n")}\n`,
    );
    if (answer.Response.Result === "Failure") process.exitCode = 1;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function common(command: Command): Command {
  return command
    .option("--port <path>", "serial port of the terminal's ECR link (e.g. a pty /dev/pts/N)")
    .option("--tcp <host:port>", "TCP address of the terminal's ECR endpoint")
    .option("--ws <url>", "WebSocket URL of the terminal's ECR endpoint")
    .option("--baud <rate>", "serial baud rate (default 115200)")
    .option("--sale-id <id>", "this sale system's SaleID (default posctl)")
    .option("--timeout <seconds>", "how long to wait for the answer (default 120)")
    .option("--json", "print the response body as JSON");
}

/** `posctl ecr …`: the sample cash-register client (docs/ecr-protocol.md). */
export function registerEcr(program: Command): void {
  const ecr = program.command("ecr").description("drive a terminal as a cash register does (ECR protocol)");
  common(ecr.command("pay").description("a sale: the terminal waits for the card"))
    .option("--amount <yuan>", 'amount in yuan, e.g. "12.34"')
    .option("--order <id>", "the register's TransactionID (printed on the slip as the order number)")
    .action(
      action(async (options: EcrCommonOptions & { amount?: string; order?: string }) => {
        const amount = amountFlag(options.amount);
        await session(options, "Payment", (c) =>
          c.pay(amount, options.order ? { order: options.order } : {}),
        );
      }),
    );
  common(ecr.command("refund").description("a refund of (part of) a sale of this terminal"))
    .option("--amount <yuan>", 'amount in yuan, e.g. "5.00"')
    .option("--transaction <batch-stan>", "the sale's POI transaction id, e.g. 000001-000123")
    .option("--order <id>", "the register's TransactionID for the refund")
    .action(
      action(
        async (options: EcrCommonOptions & { amount?: string; transaction?: string; order?: string }) => {
          const amount = amountFlag(options.amount);
          const original = poiIdFlag(options.transaction, "--transaction");
          await session(options, "Payment", (c) =>
            c.refund(amount, original, options.order ? { order: options.order } : {}),
          );
        },
      ),
    );
  common(ecr.command("reverse").description("undo an approved transaction of this batch (0400 or void)"))
    .option("--transaction <batch-stan>", "the POI transaction id, e.g. 000001-000123")
    .action(
      action(async (options: EcrCommonOptions & { transaction?: string }) => {
        const id = poiIdFlag(options.transaction, "--transaction");
        await session(options, "Reversal", (c) => c.reverse(id));
      }),
    );
  common(ecr.command("status").description("the last transaction's result, or the one named"))
    .option("--transaction <id>", "a POI transaction id (BATCH-STAN) or the register's TransactionID")
    .option("--service <id>", "the ServiceID of the request")
    .action(
      action(async (options: EcrCommonOptions & { transaction?: string; service?: string }) => {
        const id = options.transaction;
        const query = {
          ...(options.service ? { serviceId: options.service } : {}),
          ...(id !== undefined
            ? parsePoiTransactionId(id)
              ? { poiTransactionId: id }
              : { transactionId: id }
            : {}),
        };
        await session(options, "TransactionStatus", (c) => c.status(query));
      }),
    );
  common(ecr.command("abort").description("cancel a payment still waiting for the card"))
    .option("--service <id>", "the ServiceID of the payment (default: the running one)")
    .action(
      action(async (options: EcrCommonOptions & { service?: string }) => {
        await session(options, "Abort", (c) => c.abort(options.service));
      }),
    );
}
