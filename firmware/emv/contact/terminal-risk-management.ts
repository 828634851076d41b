import type { Aip } from "../../../protocol/emv/index.js";
import type { ApduChannel } from "../shared/apdu-channel.js";
import { Sw } from "../shared/apdu-channel.js";
import { getDataCommand } from "./apdu-commands.js";
import { exchange } from "./card-io.js";
import type { TransactionContext } from "./transaction-context.js";
import type { RandomSource } from "./transaction-input.js";

export interface RiskDependencies {
  random: RandomSource;
  /** Hot list lookup by PAN (5A, BCD) and PAN sequence number (5F34) — TVR "card on exception file". */
  exceptionFile?: ((pan: Buffer, panSequence: Buffer | undefined) => boolean) | undefined;
  /** Latest approved amount (fen) in the terminal log for this PAN, for split sales (Book 3 §10.6.1). */
  lastApprovedAmount?: ((pan: Buffer) => number) | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Random transaction selection (Book 3 §10.6.2): a random 1..99 against the target percentage, biased
 * upwards from the threshold to the floor limit. Amounts at or above the floor limit are not eligible.
 */
export function randomlySelected(
  amount: number,
  floorLimit: number,
  params: { threshold: number; targetPercent: number; maxTargetPercent: number },
  random: RandomSource,
): boolean {
  if (params.targetPercent === 0 && params.maxTargetPercent === 0) return false;
  if (amount >= floorLimit) return false;
  const draw = random.int(1, 99);
  if (amount < params.threshold) return draw <= params.targetPercent;
  const span = floorLimit - params.threshold;
  const bias =
    span <= 0 ? 0 : ((params.maxTargetPercent - params.targetPercent) * (amount - params.threshold)) / span;
  return draw <= params.targetPercent + bias;
}

async function getDataValue(
  channel: ApduChannel,
  tag: number,
  signal: AbortSignal | undefined,
): Promise<Buffer | undefined> {
  const answer = await exchange(
    channel,
    getDataCommand(tag),
    `GET DATA ${tag.toString(16).toUpperCase()}`,
    signal,
  );
  if (answer.sw !== Sw.ok) return undefined;
  const t1 = (tag >> 8) & 0xff;
  const t2 = tag & 0xff;
  const d = answer.data;
  if (d.length < 3 || d[0] !== t1 || d[1] !== t2 || d[2] !== d.length - 3) return undefined;
  return d.subarray(3);
}

/** Velocity checking with LCOL 9F14 / UCOL 9F23 against ATC 9F36 and last online ATC 9F13 (Book 3 §10.6.3). */
async function velocityChecking(
  channel: ApduChannel,
  ctx: TransactionContext,
  signal?: AbortSignal,
): Promise<void> {
  const lcol = ctx.card.get("9F14");
  const ucol = ctx.card.get("9F23");
  if (!lcol || !ucol || lcol.length !== 1 || ucol.length !== 1) return;
  const atc = await getDataValue(channel, 0x9f36, signal);
  const lastOnline = await getDataValue(channel, 0x9f13, signal);
  if (!atc || !lastOnline || atc.length !== 2 || lastOnline.length !== 2) {
    ctx.tvr.set("lowerConsecutiveOfflineLimitExceeded").set("upperConsecutiveOfflineLimitExceeded");
    return;
  }
  const atcValue = atc.readUInt16BE(0);
  const lastOnlineValue = lastOnline.readUInt16BE(0);
  if (lastOnlineValue === 0) ctx.tvr.set("newCard");
  if (atcValue <= lastOnlineValue) {
    ctx.tvr.set("lowerConsecutiveOfflineLimitExceeded").set("upperConsecutiveOfflineLimitExceeded");
    return;
  }
  const offlineCount = atcValue - lastOnlineValue;
  if (offlineCount > lcol[0]!) ctx.tvr.set("lowerConsecutiveOfflineLimitExceeded");
  if (offlineCount > ucol[0]!) ctx.tvr.set("upperConsecutiveOfflineLimitExceeded");
}

/**
 * Terminal risk management (Book 3 §10.6) → TVR byte 4 (and "new card", "card on exception file"),
 * TSI "TRM performed". Run when the AIP asks for it; the exception file and merchant-forced-online are
 * checked regardless.
 */
export async function terminalRiskManagement(
  channel: ApduChannel,
  ctx: TransactionContext,
  aip: Aip,
  deps: RiskDependencies,
): Promise<void> {
  const pan = ctx.card.get("5A")!;
  if (deps.exceptionFile?.(pan, ctx.card.get("5F34"))) ctx.tvr.set("cardOnExceptionFile");
  if (ctx.input.forcedOnline) ctx.tvr.set("merchantForcedTransactionOnline");
  if (!aip.terminalRiskManagement) return;
  const aid = ctx.aidConfig;
  const total = ctx.amount + (deps.lastApprovedAmount?.(pan) ?? 0);
  if (total >= aid.floorLimit) ctx.tvr.set("transactionExceedsFloorLimit");
  if (randomlySelected(ctx.amount, aid.floorLimit, aid.randomSelection, deps.random)) {
    ctx.tvr.set("transactionSelectedRandomlyForOnline");
  }
  await velocityChecking(channel, ctx, deps.signal);
  ctx.tsi.set("terminalRiskManagementPerformed");
}
