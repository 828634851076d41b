import {
  type Aip,
  arcFromField39,
  buildField55,
  FIELD55_REVERSAL,
  FIELD55_SCRIPT_RESULT,
  FIELD55_TC_UPLOAD,
  type Field55Response,
  type Field55TagSet,
  hostDecision,
  parseField55Response,
  terminalArc,
} from "../../../protocol/emv/index.js";
import { ProtocolError } from "../../../protocol/errors.js";
import type { ApduChannel } from "../shared/apdu-channel.js";
import { Sw } from "../shared/apdu-channel.js";
import { externalAuthenticateCommand } from "./apdu-commands.js";
import { exchange } from "./card-io.js";
import { type GenerateAcResult, generateAc } from "./generate-ac.js";
import { runIssuerScripts } from "./issuer-scripts.js";
import { KernelTerminated } from "./kernel-error.js";
import type { OdaOutcome } from "./offline-data-authentication.js";
import type { CompletionOutcome, HostResponse, KernelSummary } from "./outcome.js";
import { defaultActionAnalysis } from "./terminal-action-analysis.js";
import type { TransactionContext } from "./transaction-context.js";

/** What the online hand-off keeps between the first GENERATE AC and the issuer's answer. */
export interface OnlineSession {
  channel: ApduChannel;
  ctx: TransactionContext;
  aip: Aip;
  oda: OdaOutcome;
  cdol1Data: Buffer;
  signal?: AbortSignal | undefined;
  /** Rebuilds the summary from the context (TVR/TSI/data after completion). */
  summary(): Omit<KernelSummary, "application">;
}

/** Field 55 for a tag set, or undefined when the card left out a tag the set requires. */
export function tryField55(set: Field55TagSet, data: ReadonlyMap<string, Buffer>): Buffer | undefined {
  try {
    return buildField55(set, data);
  } catch (error) {
    if (error instanceof ProtocolError) return undefined;
    throw error;
  }
}

/** EXTERNAL AUTHENTICATE with 91 when the AIP says the card supports issuer authentication (Book 3 §10.9). */
async function issuerAuthentication(
  session: OnlineSession,
  issuerData: Buffer | undefined,
): Promise<CompletionOutcome["issuerAuthentication"]> {
  const { ctx } = session;
  if (!issuerData) return "not-performed";
  // Also kept for CDOL2: cards without EXTERNAL AUTHENTICATE check the ARPC inside GENERATE AC 2.
  ctx.terminal.set("91", Buffer.from(issuerData));
  if (!session.aip.issuerAuthentication) return "not-performed";
  ctx.tsi.set("issuerAuthenticationPerformed");
  const answer = await exchange(
    session.channel,
    externalAuthenticateCommand(issuerData),
    "EXTERNAL AUTHENTICATE",
    session.signal,
  );
  if (answer.sw === Sw.ok) return "successful";
  ctx.tvr.set("issuerAuthenticationFailed");
  return "failed";
}

/** Second GENERATE AC; a card that fails to answer or errors counts as "no TC". */
async function secondGenerateAc(
  session: OnlineSession,
  type: "tc" | "aac",
): Promise<GenerateAcResult | undefined> {
  const { ctx, oda } = session;
  const cdaKey = oda.method === "cda" && !ctx.tvr.has("cdaFailed") ? oda.iccKey : undefined;
  try {
    return await generateAc(
      session.channel,
      ctx,
      { type, which: 2, cdaKey, cdol1Data: session.cdol1Data },
      session.signal,
    );
  } catch (error) {
    if (error instanceof KernelTerminated) return undefined;
    throw error;
  }
}

function finish(
  session: OnlineSession,
  kind: CompletionOutcome["kind"],
  issuerAuth: CompletionOutcome["issuerAuthentication"],
  scriptResults: Buffer,
  unableToGoOnline: boolean,
): CompletionOutcome {
  const { ctx } = session;
  if (scriptResults.length > 0) {
    ctx.terminal.set("DF31", scriptResults);
    ctx.terminal.set("9F5B", scriptResults);
  }
  const summary = session.summary();
  const field55 =
    kind === "approved"
      ? tryField55(FIELD55_TC_UPLOAD, summary.data)
      : kind === "approved-by-host-declined-by-card"
        ? tryField55(FIELD55_REVERSAL, summary.data)
        : undefined;
  const scriptResultField55 =
    scriptResults.length > 0 ? tryField55(FIELD55_SCRIPT_RESULT, summary.data) : undefined;
  return {
    ...summary,
    kind,
    ...(kind === "approved-by-host-declined-by-card" ? { reversalReason: "06" as const } : {}),
    issuerAuthentication: issuerAuth,
    scriptResults,
    ...(field55 ? { field55 } : {}),
    ...(scriptResultField55 ? { scriptResultField55 } : {}),
    unableToGoOnline,
  };
}

/**
 * Completion with the issuer's answer (Book 3 §10.9–10.11): 8A from field 39, issuer authentication,
 * 71 scripts, GENERATE AC 2 (TC if the host approved, else AAC), 72 scripts. Host approval with an AAC
 * from the card means "decline and reverse with reason 06".
 */
export async function completeOnline(session: OnlineSession, host: HostResponse): Promise<CompletionOutcome> {
  const { ctx } = session;
  let approved: boolean;
  try {
    ctx.terminal.set("8A", arcFromField39(host.responseCode));
    approved = hostDecision(host.responseCode) === "approved";
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    // An unreadable field 39 is no approval; 8A "Z3"-like decline is the safe reading.
    ctx.terminal.set("8A", terminalArc("offlineDeclined"));
    approved = false;
  }
  let issuerData: Field55Response = { scriptsBeforeFinalAc: [], scriptsAfterFinalAc: [] };
  if (host.field55 && host.field55.length > 0) {
    try {
      issuerData = parseField55Response(host.field55);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      ctx.tvr.set("issuerAuthenticationFailed");
    }
  }
  const results: Buffer[] = [];
  let issuerAuth: CompletionOutcome["issuerAuthentication"] = "not-performed";
  let cardAnswered = true;
  let gac: GenerateAcResult | undefined;
  try {
    issuerAuth = await issuerAuthentication(session, issuerData.issuerAuthenticationData);
    results.push(
      ...(await runIssuerScripts(
        session.channel,
        ctx,
        issuerData.scriptsBeforeFinalAc,
        "before",
        session.signal,
      )),
    );
    gac = await secondGenerateAc(session, approved ? "tc" : "aac");
    cardAnswered = gac !== undefined;
    if (cardAnswered) {
      results.push(
        ...(await runIssuerScripts(
          session.channel,
          ctx,
          issuerData.scriptsAfterFinalAc,
          "after",
          session.signal,
        )),
      );
    }
  } catch (error) {
    if (!(error instanceof KernelTerminated)) throw error;
    cardAnswered = false;
  }
  const cardApproved = gac !== undefined && gac.cryptogram === "tc" && !gac.cdaFailed;
  const kind: CompletionOutcome["kind"] = approved
    ? cardApproved
      ? "approved"
      : "approved-by-host-declined-by-card"
    : "declined";
  return finish(session, kind, issuerAuth, Buffer.concat(results), false);
}

/** The host could not be reached: default action codes decide TC (8A Y3) or AAC (8A Z3) for GENERATE AC 2. */
export async function completeUnableToGoOnline(session: OnlineSession): Promise<CompletionOutcome> {
  const { ctx } = session;
  const decision = defaultActionAnalysis(ctx);
  ctx.terminal.set(
    "8A",
    terminalArc(decision === "tc" ? "unableToGoOnlineApproved" : "unableToGoOnlineDeclined"),
  );
  const gac = await secondGenerateAc(session, decision);
  const approved = decision === "tc" && gac !== undefined && gac.cryptogram === "tc" && !gac.cdaFailed;
  return finish(session, approved ? "approved" : "declined", "not-performed", Buffer.alloc(0), true);
}
