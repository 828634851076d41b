import { AdminError } from "../admin/index.js";
import type { CardInput } from "../card-entry/index.js";
import { type InstantSettlementReport, instantSummaryText } from "../instant-settlement/index.js";
import { feeSummary } from "../pricing/index.js";
import { SlipPrintError } from "../receipts/index.js";
import { AUTH_REFUSALS, type AuthorizationRefusal, changeOwnPassword } from "../terminal/index.js";
import type { TerminalServices, TransactionOutcome } from "../terminal/terminal-services.js";
import { TransactionError } from "../transactions/transaction-error.js";
import type { TerminalApp } from "./terminal-app.js";

const REFUSALS: ReadonlySet<string> = new Set(Object.keys(AUTH_REFUSALS));
const isRefusal = (reason: string): reason is AuthorizationRefusal => REFUSALS.has(reason);

/** An error as the operator reads it: a flow's own message, else a generic line naming the cause. */
function failure(error: unknown): { zh: string; en: string } {
  if (error instanceof TransactionError) return { zh: error.zh, en: error.en };
  const message = (error as Error)?.message ?? String(error);
  return { zh: `交易失败 ${message}`, en: `Failed: ${message}` };
}

/**
 * The statechart's services over the TerminalApp: what each state invokes. Errors become results the
 * chart shows (never rejections it would have to interpret), except cancellation of a card wait.
 */
export function terminalServices(app: TerminalApp, clock: () => Date = () => new Date()): TerminalServices {
  const features = app.settings.features;
  // The last D0 answer, for the slip the summary screen prints.
  let instant: InstantSettlementReport | undefined;
  return {
    features: {
      void: features.void,
      refund: features.refund,
      preauth: features.preauth,
      balance: features.balance,
      tips: features.tips,
      qr: features.qr,
    },

    async selfTest() {
      const faults = await app.selfTest();
      return { ok: !faults.some((f) => f.fatal), faults };
    },

    async recoverJournal() {
      const report = await app.recover();
      // Slips a power cut or a paper-out left half printed go out again now (their spooled copies resume).
      for (const record of app.unprinted()) void app.printSlip(record.id);
      return report;
    },

    async signIn() {
      try {
        return { ok: true as const, ...(await app.signIn(AbortSignal.timeout(60_000))) };
      } catch (error) {
        return { ok: false as const, ...failure(error) };
      }
    },

    async signOut() {
      try {
        const reply = await app.session.signOut(AbortSignal.timeout(60_000));
        return {
          ok: reply.approved,
          zh: reply.approved ? "签退成功" : reply.info.zh,
          en: reply.approved ? "Signed out" : reply.info.en,
        };
      } catch (error) {
        return { ok: false, ...failure(error) };
      }
    },

    async waitForCard(_request, signal) {
      const input = await app.waitForCard(signal);
      return { mode: input.mode, handle: input };
    },

    async runTransaction(request, signal): Promise<TransactionOutcome> {
      try {
        const result = await app.pay({
          type: request.type,
          amount: request.amount,
          tip: request.tip,
          signal,
          ...(request.card ? { card: request.card.handle as CardInput } : {}),
          ...(request.original ? { original: request.original } : {}),
        });
        return {
          status: result.status,
          zh: result.zh,
          en: result.en,
          ...(result.journalId !== undefined ? { journalId: result.journalId } : {}),
          ...(result.responseCode ? { responseCode: result.responseCode } : {}),
          ...(result.balance !== undefined ? { balance: result.balance } : {}),
        };
      } catch (error) {
        return { status: "failed", ...failure(error) };
      } finally {
        void app.waitForCardRemoval(AbortSignal.timeout(120_000)).catch(() => undefined);
      }
    },

    riskCheck(request) {
      const now = clock();
      const today = now.toISOString().slice(0, 10);
      // Asked before the card is read, so per-card velocity cannot apply here (no card key yet).
      const decision = app.risk.check(request, {
        todayApprovedAmount: app.journal.dailyTotals(today).amount,
        cardRecent: [],
      });
      if (decision.kind === "allow") return decision;
      return { kind: decision.kind, zh: decision.zh, en: decision.en };
    },

    async printSlip(journalId, options) {
      const outcome = await app.printSlip(journalId, { reprint: options.reprint });
      return outcome.ok ? outcome : { ok: false, paperOut: outcome.paperOut, zh: outcome.zh, en: outcome.en };
    },

    async settle() {
      try {
        const outcome = await app.settle(AbortSignal.timeout(300_000));
        await app.printSettlement({
          terminalId: app.settings.terminal.terminalId,
          merchantId: app.settings.terminal.merchantId,
          batch: outcome.batch,
          operator: app.settings.terminal.operator,
          settledAt: clock(),
          result: outcome.result,
          terminalTotals: outcome.terminalTotals,
          ...(outcome.hostTotals ? { hostTotals: outcome.hostTotals } : {}),
          byType: [],
          fees: feeSummary(outcome.records).map((row) => ({
            label: row.label,
            amount: row.amount,
            fee: row.fee,
          })),
        });
        const balanced = outcome.result === "balanced";
        return {
          ok: true,
          result: outcome.result,
          zh: balanced
            ? `结算完成 对账平 批次${outcome.batch}`
            : `结算完成 对账不平 已上送 批次${outcome.batch}`,
          en: balanced
            ? `Settled, balanced (batch ${outcome.batch})`
            : `Settled, unbalanced: batch uploaded (batch ${outcome.batch})`,
        };
      } catch (error) {
        return { ok: false, ...failure(error) };
      }
    },

    // Functions the permissions table keeps from operators ask for a user and password first.
    needsAuthorization: (fn) => !app.users.may("operator", fn),

    async authorize({ fn, userId, password }) {
      try {
        const user = await app.users.authorize(userId, password, fn);
        return { ok: true, userId: user.userId };
      } catch (error) {
        if (error instanceof AdminError && isRefusal(error.reason)) {
          return { ok: false, reason: error.reason, ...AUTH_REFUSALS[error.reason] };
        }
        throw error;
      }
    },

    lastJournalId: () => app.journal.last()?.id,
    findByStan: (stan) => app.journal.findByStan(stan, app.journal.batch())?.id,

    async queryInstantSettlement(signal) {
      try {
        instant = await app.queryInstantSettlement(signal);
        return { ok: true, enabled: instant.summary.enabled, ...instantSummaryText(instant.summary) };
      } catch (error) {
        return { ok: false, ...failure(error) };
      }
    },

    async printInstantSettlement() {
      if (!instant) return { ok: false, paperOut: false, zh: "无查询结果", en: "Nothing queried yet" };
      try {
        await app.printInstantSettlement(instant);
        return { ok: true };
      } catch (error) {
        if (error instanceof SlipPrintError && error.reason === "paper-out") {
          return {
            ok: false,
            paperOut: true,
            zh: "打印机缺纸 请装纸",
            en: "Printer out of paper: load paper",
          };
        }
        return { ok: false, paperOut: false, ...failure(error) };
      }
    },

    changePassword: (request) => changeOwnPassword(app.users, request),

    async downloadParameters() {
      // Parameters, black list, CA public keys and AIDs from the TMS (firmware/tms); old files kept on failure.
      const outcome = await app.tms.downloadAll();
      return { ok: outcome.ok, zh: outcome.zh, en: outcome.en };
    },
  };
}
