import {
  InstantSettlementError,
  parseInstantSettlementResponse,
} from "../../protocol/iso8583/subfields/instant-settlement.js";
import type { Journal } from "../journal/index.js";
import type { AcquirerSession } from "../transactions/acquirer-session.js";
import { TransactionError } from "../transactions/transaction-error.js";
import { type InstantSettlementReport, instantSettlementReport } from "./instant-settlement-report.js";
import { buildInstantSettlementQuery } from "./query-message.js";

/**
 * Asks the host for the D0 funds (0820/0830, 60.3 601) with a fresh STAN and joins the answer with the
 * journal. Refusals and a malformed answer are TransactionErrors with the operator's zh/en text; link
 * errors propagate as they are.
 */
export async function queryInstantSettlement(
  session: AcquirerSession,
  journal: Journal,
  options: { date?: string; signal?: AbortSignal } = {},
): Promise<InstantSettlementReport> {
  const request = buildInstantSettlementQuery({
    ...session.identity,
    stan: journal.nextStan(),
    batch: journal.batch(),
    ...(options.date !== undefined ? { date: options.date } : {}),
  });
  const { response, reply } = await session.query(request, options.signal);
  if (!reply.approved) {
    throw new TransactionError(
      "refused",
      `到账查询失败 ${reply.info.zh}`,
      `D0 query refused: ${reply.info.en}`,
    );
  }
  const field62 = response.fields[62];
  if (field62 === undefined) {
    throw new TransactionError("refused", "到账查询应答无数据", "D0 query reply carries no field 62");
  }
  try {
    const summary = parseInstantSettlementResponse(Buffer.from(field62, "hex"));
    return instantSettlementReport(summary, (stan) => journal.findByStan(stan));
  } catch (error) {
    if (!(error instanceof InstantSettlementError)) throw error;
    throw new TransactionError(
      "refused",
      "到账查询应答格式错误",
      `D0 query reply malformed: ${error.message}`,
    );
  }
}
