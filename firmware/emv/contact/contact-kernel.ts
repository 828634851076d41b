import {
  buildField55,
  type CapkStore,
  FIELD55_FAILURE_UPLOAD,
  FIELD55_REQUEST,
  FIELD55_TC_UPLOAD,
  terminalArc,
} from "../../../protocol/emv/index.js";
import { ProtocolError } from "../../../protocol/errors.js";
import { maskPan } from "../../../protocol/pan-mask.js";
import type { ApduChannel } from "../shared/apdu-channel.js";
import type { TerminalConfig } from "../shared/terminal-config.js";
import { buildCandidateList, type Candidate } from "./candidate-list.js";
import { type CvmOutcome, cardholderVerification } from "./cardholder-verification.js";
import { type ChooseApplication, chooseCandidate, selectApplication } from "./final-selection.js";
import { generateAc } from "./generate-ac.js";
import { initiateApplicationProcessing } from "./initiate-processing.js";
import { CardNotResponding, KernelTerminated } from "./kernel-error.js";
import { performOfflineDataAuthentication, type RevocationCheck } from "./offline-data-authentication.js";
import {
  completeOnline,
  completeUnableToGoOnline,
  type OnlineSession,
  tryField55,
} from "./online-completion.js";
import type { ContactOutcome, KernelSummary } from "./outcome.js";
import type { OfflinePinEntry, PinEntry } from "./pin-entry.js";
import { processingRestrictions } from "./processing-restrictions.js";
import { readApplicationData } from "./read-application-data.js";
import { terminalActionAnalysis } from "./terminal-action-analysis.js";
import { terminalRiskManagement } from "./terminal-risk-management.js";
import { TransactionContext } from "./transaction-context.js";
import { cryptoRandom, type RandomSource, type TransactionInput } from "./transaction-input.js";

/** Everything the contact kernel uses from outside: I/O, keys, clock, randomness, the cardholder. */
export interface ContactKernelDependencies {
  channel: ApduChannel;
  config: TerminalConfig;
  capks: CapkStore;
  /** Terminal clock (local wall time gives 9A/9F21). Default: `new Date()`. */
  now?: () => Date;
  /** Default: node:crypto. */
  random?: RandomSource;
  /** Cardholder application choice / confirmation; without it the first candidate needing no confirmation is used. */
  choose?: ChooseApplication;
  pinEntry?: PinEntry;
  /** Rig-only plaintext offline PIN source (see pin-entry.ts). */
  offlinePin?: OfflinePinEntry;
  exceptionFile?: (pan: Buffer, panSequence: Buffer | undefined) => boolean;
  lastApprovedAmount?: (pan: Buffer) => number;
  isCertificateRevoked?: RevocationCheck;
  signal?: AbortSignal;
}

function panDigits(pan: Buffer): string {
  return pan.toString("hex").toUpperCase().replace(/F+$/, "");
}

function summaryOf(ctx: TransactionContext, cvm: CvmOutcome): Omit<KernelSummary, "application"> {
  const data = new Map<string, Buffer>([...ctx.fci, ...ctx.card, ...ctx.terminal]);
  data.set("95", ctx.tvr.toBuffer());
  data.set("9B", ctx.tsi.toBuffer());
  const pan = ctx.card.get("5A")!;
  const cid = ctx.card.get("9F27");
  const atc = ctx.card.get("9F36");
  const ac = ctx.card.get("9F26");
  const iad = ctx.card.get("9F10");
  const psn = ctx.card.get("5F34");
  const track2 = ctx.card.get("57");
  const cidByte = cid?.[0];
  return {
    tvr: ctx.tvr.toBuffer(),
    tsi: ctx.tsi.toBuffer(),
    cvm: cvm.cvm,
    cvmResults: ctx.terminal.get("9F34") ?? Buffer.from([0x3f, 0x00, 0x00]),
    signatureRequired: cvm.signatureRequired,
    ...(cvm.pinBlock ? { pinBlock: cvm.pinBlock } : {}),
    ...(cvm.ksn ? { ksn: cvm.ksn } : {}),
    pan: Buffer.from(pan),
    maskedPan: maskPan(panDigits(pan)),
    ...(psn ? { panSequenceNumber: psn } : {}),
    ...(track2 ? { track2Equivalent: track2 } : {}),
    expiry: ctx.card.get("5F24")!,
    aid: ctx.fci.get("84")!,
    ...(cidByte !== undefined && atc && ac
      ? {
          cryptogram: {
            type: (["aac", "tc", "arqc", "aac"] as const)[cidByte >> 6]!,
            cid: cidByte,
            atc,
            cryptogram: ac,
            ...(iad ? { issuerApplicationData: iad } : {}),
          },
        }
      : {}),
    data,
  };
}

/** Application selection with the remove-and-reselect loop for blocked apps and GPO 6985 (Book 1 §12.4, Book 3 §10.1). */
async function selectAndInitiate(deps: ContactKernelDependencies, ctx: TransactionContext) {
  const { channel, config, signal } = deps;
  const { candidates } = await buildCandidateList(channel, config, signal);
  let remaining: Candidate[] = candidates;
  for (;;) {
    if (remaining.length === 0) {
      throw new KernelTerminated("no-supported-application", "no application left on the candidate list");
    }
    const chosen = await chooseCandidate(remaining, config.supportsCardholderConfirmation, deps.choose);
    remaining = remaining.filter((c) => c !== chosen);
    const fci = await selectApplication(channel, chosen, signal);
    if (!fci) continue;
    ctx.fci = fci.data;
    ctx.useAid(chosen.aidConfig, fci.dfName);
    const gpo = await initiateApplicationProcessing(channel, ctx, signal);
    if (gpo.kind === "conditions-not-satisfied") continue;
    return { candidate: chosen, aip: gpo.aip, afl: gpo.afl };
  }
}

/**
 * Runs one contact EMV transaction up to the first GENERATE AC (Books 1–4, PBOC 3.0 debit/credit) and
 * returns an outcome: offline approved/declined, an online request with a `complete` continuation,
 * end application, or — only when the chip did not answer before it gave a cryptogram — fallback to
 * the magnetic stripe. The kernel never prompts or logs: the terminal renders what it returns.
 */
export async function runContactTransaction(
  deps: ContactKernelDependencies,
  input: TransactionInput,
): Promise<ContactOutcome> {
  const random = deps.random ?? cryptoRandom;
  const ctx = new TransactionContext(deps.config, input, (deps.now ?? (() => new Date()))(), random);
  let cryptogramReceived = false;
  try {
    const { candidate, aip, afl } = await selectAndInitiate(deps, ctx);
    await readApplicationData(deps.channel, ctx, afl, deps.signal);
    const oda = await performOfflineDataAuthentication(deps.channel, ctx, aip, deps.capks, {
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.isCertificateRevoked ? { isRevoked: deps.isCertificateRevoked } : {}),
    });
    processingRestrictions(ctx);
    const cvm = await cardholderVerification(deps.channel, ctx, aip, deps);
    await terminalRiskManagement(deps.channel, ctx, aip, { ...deps, random });
    const requested = terminalActionAnalysis(ctx);
    const cdaKey = oda.method === "cda" && !ctx.tvr.has("cdaFailed") ? oda.iccKey : undefined;
    const gac = await generateAc(deps.channel, ctx, { type: requested, which: 1, cdaKey }, deps.signal);
    cryptogramReceived = true;
    // Card risk management happened inside GENERATE AC (Book 3 §10.8).
    ctx.tsi.set("cardRiskManagementPerformed");
    const summary = () => summaryOf(ctx, cvm);
    if (gac.cryptogram === "tc" && !gac.cdaFailed) {
      ctx.terminal.set("8A", terminalArc("offlineApproved"));
      const base = summary();
      return {
        ...base,
        application: candidate,
        kind: "approved-offline",
        field55: buildField55(FIELD55_TC_UPLOAD, base.data),
      };
    }
    if (gac.cryptogram === "aac" || gac.cdaFailed) {
      if (gac.cryptogram === "arqc") {
        // CDA failed on an ARQC: close the card's session with an AAC before declining.
        await closeWithAac(deps, ctx, gac.cdolData);
      }
      ctx.terminal.set("8A", terminalArc("offlineDeclined"));
      const base = summary();
      const field55 = tryField55(FIELD55_FAILURE_UPLOAD, base.data);
      return { ...base, application: candidate, kind: "declined-offline", ...(field55 ? { field55 } : {}) };
    }
    const base = summary();
    let field55: Buffer;
    try {
      field55 = buildField55(FIELD55_REQUEST, base.data);
    } catch (cause) {
      if (!(cause instanceof ProtocolError)) throw cause;
      throw new KernelTerminated("missing-mandatory-data", `online request field 55: ${cause.message}`, {
        cause,
      });
    }
    const session: OnlineSession = {
      channel: deps.channel,
      ctx,
      aip,
      oda,
      cdol1Data: gac.cdolData,
      signal: deps.signal,
      summary,
    };
    let used = false;
    const once = () => {
      if (used) throw new Error("the online request was already completed");
      used = true;
    };
    return {
      ...base,
      application: candidate,
      kind: "online-request",
      field55,
      complete: (host) => {
        once();
        return completeOnline(session, host);
      },
      unableToGoOnline: () => {
        once();
        return completeUnableToGoOnline(session);
      },
    };
  } catch (error) {
    if (error instanceof CardNotResponding && !cryptogramReceived) {
      return { kind: "fallback-to-magstripe", reason: "card-not-responding", message: error.message };
    }
    if (error instanceof KernelTerminated) {
      return {
        kind: "end-application",
        reason: error.reason,
        message: error.message,
        tvr: ctx.tvr.toBuffer(),
        tsi: ctx.tsi.toBuffer(),
      };
    }
    throw error;
  }
}

/** Second GENERATE AC asking an AAC, answer ignored: ends the card's session after a failed CDA on an ARQC. */
async function closeWithAac(
  deps: ContactKernelDependencies,
  ctx: TransactionContext,
  cdol1Data: Buffer,
): Promise<void> {
  ctx.terminal.set("8A", terminalArc("offlineDeclined"));
  try {
    await generateAc(deps.channel, ctx, { type: "aac", which: 2, cdol1Data }, deps.signal);
  } catch (error) {
    if (!(error instanceof KernelTerminated)) throw error;
  }
}
