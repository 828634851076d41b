import {
  type Aip,
  type CapkStore,
  type CvmList,
  type CvmMethod,
  type CvmRule,
  cvmConditionSatisfied,
  cvmResults,
  parseCvmList,
  type RsaPublicKey,
} from "../../../protocol/emv/index.js";
import { ProtocolError } from "../../../protocol/errors.js";
import type { ApduChannel } from "../shared/apdu-channel.js";
import { isPinRetryCounter, Sw } from "../shared/apdu-channel.js";
import {
  getChallengeCommand,
  getDataCommand,
  verifyEncipheredPinCommand,
  verifyPlaintextPinCommand,
} from "./apdu-commands.js";
import { type CardResponse, exchange } from "./card-io.js";
import type { RevocationCheck } from "./offline-data-authentication.js";
import { encipherPinBlock, recoverPinEnciphermentKey } from "./offline-pin-encipherment.js";
import { type OfflinePinEntry, type PinEntry, plaintextPinBlock } from "./pin-entry.js";
import type { TransactionContext } from "./transaction-context.js";
import { cryptoRandom, type RandomSource } from "./transaction-input.js";

export type CvmPerformed = "online-pin" | "offline-pin" | "signature" | "no-cvm";

export interface CvmOutcome {
  cvm: CvmPerformed;
  /** A signature line must be printed (signature CVM or PIN + signature). */
  signatureRequired: boolean;
  /** Online PIN block from the PIN pad, for field 52. */
  pinBlock?: Buffer;
  ksn?: Buffer;
}

export interface CvmDependencies {
  pinEntry?: PinEntry | undefined;
  offlinePin?: OfflinePinEntry | undefined;
  /** CA keys for the offline enciphered PIN key (the kernel passes its own store). */
  capks?: CapkStore | undefined;
  isCertificateRevoked?: RevocationCheck | undefined;
  /** Random pad of the enciphered PIN block. Default: node:crypto. */
  random?: RandomSource | undefined;
  signal?: AbortSignal | undefined;
}

/** Terminal support per CVM from 9F33 byte 2 (b8 plaintext PIN, b7 online PIN, b6 signature, b5 enciphered PIN, b4 no CVM). */
function terminalSupports(ctx: TransactionContext, method: CvmMethod): boolean {
  const b2 = ctx.config.terminalCapabilities[1] ?? 0;
  switch (method) {
    case "offline-plaintext-pin":
      return (b2 & 0x80) !== 0;
    case "offline-plaintext-pin-and-signature":
      return (b2 & 0x80) !== 0 && (b2 & 0x20) !== 0;
    case "offline-enciphered-pin":
      return (b2 & 0x10) !== 0;
    case "offline-enciphered-pin-and-signature":
      return (b2 & 0x10) !== 0 && (b2 & 0x20) !== 0;
    case "online-enciphered-pin":
      return (b2 & 0x40) !== 0 && ctx.aidConfig.onlinePinSupported;
    case "signature":
      return (b2 & 0x20) !== 0;
    case "no-cvm-required":
      return (b2 & 0x08) !== 0;
    case "fail-cvm":
      return true;
    default:
      return false;
  }
}

type Attempt = { ok: true; result: "successful" | "unknown"; outcome: CvmOutcome } | { ok: false };

/**
 * Cardholder verification over the CVM list (Book 3 §10.5) → 9F34, TVR byte 3, TSI "CVM performed".
 */
export async function cardholderVerification(
  channel: ApduChannel,
  ctx: TransactionContext,
  aip: Aip,
  deps: CvmDependencies,
): Promise<CvmOutcome> {
  const none: CvmOutcome = { cvm: "no-cvm", signatureRequired: false };
  if (!aip.cardholderVerification) {
    ctx.terminal.set("9F34", cvmResults(undefined, "unknown"));
    return none;
  }
  const raw = ctx.card.get("8E");
  let list: CvmList | undefined;
  try {
    list = raw ? parseCvmList(raw) : undefined;
  } catch {
    list = undefined;
  }
  if (!list || list.rules.length === 0) {
    ctx.tvr.set("iccDataMissing");
    ctx.terminal.set("9F34", cvmResults(undefined, "unknown"));
    return none;
  }
  ctx.tsi.set("cardholderVerificationPerformed");
  const appCurrency = ctx.card.get("9F42");
  const condition = {
    amount: ctx.amount,
    sameCurrency: appCurrency?.equals(ctx.config.currencyCode) === true,
    unattendedCash: false,
    manualCash: ctx.service === "cash",
    cashback: ctx.service === "cashback",
    terminalSupports: (method: CvmMethod) => terminalSupports(ctx, method),
  };
  let lastFailed: CvmRule | undefined;
  for (const rule of list.rules) {
    if (!cvmConditionSatisfied(rule, list, condition)) continue;
    const attempt = await performCvm(channel, ctx, rule, deps);
    if (attempt.ok) {
      ctx.terminal.set("9F34", cvmResults(rule, attempt.result));
      return attempt.outcome;
    }
    lastFailed = rule;
    if (!rule.applyNextIfUnsuccessful) break;
  }
  ctx.tvr.set("cardholderVerificationNotSuccessful");
  ctx.terminal.set("9F34", cvmResults(lastFailed, "failed"));
  return none;
}

async function performCvm(
  channel: ApduChannel,
  ctx: TransactionContext,
  rule: CvmRule,
  deps: CvmDependencies,
): Promise<Attempt> {
  if (rule.method === "unknown" || rule.method === "no-cvm-performed") {
    ctx.tvr.set("unrecognisedCvm");
    return { ok: false };
  }
  if (!terminalSupports(ctx, rule.method)) {
    if (rule.method === "online-enciphered-pin" || rule.method.startsWith("offline")) {
      ctx.tvr.set("pinPadNotPresentOrNotWorking");
    }
    return { ok: false };
  }
  switch (rule.method) {
    case "fail-cvm":
      return { ok: false };
    case "no-cvm-required":
      return { ok: true, result: "successful", outcome: { cvm: "no-cvm", signatureRequired: false } };
    case "signature":
      return { ok: true, result: "unknown", outcome: { cvm: "signature", signatureRequired: true } };
    case "online-enciphered-pin":
      return onlinePin(ctx, deps);
    case "offline-plaintext-pin":
    case "offline-plaintext-pin-and-signature":
    case "offline-enciphered-pin":
    case "offline-enciphered-pin-and-signature": {
      const withSignature = rule.method.endsWith("-and-signature");
      const enciphered = rule.method.startsWith("offline-enciphered");
      const ok = await offlinePin(channel, ctx, deps, enciphered ? encipheredVerify : plaintextVerify);
      if (!ok) return { ok: false };
      return {
        ok: true,
        result: withSignature ? "unknown" : "successful",
        outcome: { cvm: "offline-pin", signatureRequired: withSignature },
      };
    }
    default:
      return { ok: false };
  }
}

async function onlinePin(ctx: TransactionContext, deps: CvmDependencies): Promise<Attempt> {
  if (!deps.pinEntry) {
    ctx.tvr.set("pinPadNotPresentOrNotWorking");
    return { ok: false };
  }
  const result = await deps.pinEntry.onlinePin({
    pan: Buffer.from(ctx.card.get("5A")!),
    amount: ctx.amount,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  if (result.kind === "pin-pad-unavailable") {
    ctx.tvr.set("pinPadNotPresentOrNotWorking");
    return { ok: false };
  }
  if (result.kind === "bypassed") {
    ctx.tvr.set("pinPadPresentButPinNotEntered");
    return { ok: false };
  }
  ctx.tvr.set("onlinePinEntered");
  return {
    ok: true,
    result: "unknown",
    outcome: {
      cvm: "online-pin",
      signatureRequired: false,
      pinBlock: result.pinBlock,
      ...(result.ksn ? { ksn: result.ksn } : {}),
    },
  };
}

/** Sends one offline PIN block to the card: the VERIFY answer, or "failed" when the CVM cannot go on. */
type SubmitPin = (block: Buffer) => Promise<CardResponse | "failed">;

/** Readies VERIFY for one offline PIN CVM, before the cardholder is asked; undefined ⇒ the CVM fails. */
type PinVerifier = (
  channel: ApduChannel,
  ctx: TransactionContext,
  deps: CvmDependencies,
) => SubmitPin | undefined;

/** Offline plaintext PIN: VERIFY P2 80 with the block itself. */
const plaintextVerify: PinVerifier = (channel, _ctx, deps) => async (block) => {
  const command = verifyPlaintextPinCommand(block);
  try {
    return await exchange(channel, command, "VERIFY", deps.signal);
  } finally {
    command.fill(0);
  }
};

/** Offline enciphered PIN (Book 2 §7, Book 3 §10.5.1): recover the key, then GET CHALLENGE, encipher, VERIFY P2 88. */
const encipheredVerify: PinVerifier = (channel, ctx, deps) => {
  if (!deps.capks) return undefined;
  let key: RsaPublicKey;
  try {
    key = recoverPinEnciphermentKey(ctx, deps.capks, deps.isCertificateRevoked);
  } catch (error) {
    // A key that cannot be recovered fails this CVM; the ODA step reports the card's data on its own.
    if (error instanceof ProtocolError) return undefined;
    throw error;
  }
  return async (block) => {
    const challenge = await exchange(channel, getChallengeCommand(), "GET CHALLENGE", deps.signal);
    if (challenge.sw !== Sw.ok || challenge.data.length !== 8) return "failed";
    const enciphered = encipherPinBlock(key, block, challenge.data, deps.random ?? cryptoRandom);
    if (!enciphered) return "failed";
    return exchange(channel, verifyEncipheredPinCommand(enciphered), "VERIFY", deps.signal);
  };
};

/** GET DATA PIN try counter, then VERIFY until accepted, blocked or bypassed (plaintext or enciphered). */
async function offlinePin(
  channel: ApduChannel,
  ctx: TransactionContext,
  deps: CvmDependencies,
  verifier: PinVerifier,
): Promise<boolean> {
  if (!deps.offlinePin) {
    ctx.tvr.set("pinPadNotPresentOrNotWorking");
    return false;
  }
  let triesLeft: number | undefined;
  const counter = await exchange(channel, getDataCommand(0x9f17), "GET DATA 9F17", deps.signal);
  if (
    counter.sw === Sw.ok &&
    counter.data.length >= 4 &&
    counter.data[0] === 0x9f &&
    counter.data[1] === 0x17
  ) {
    triesLeft = counter.data[3]!;
    if (triesLeft === 0) {
      ctx.tvr.set("pinTryLimitExceeded");
      return false;
    }
  }
  // Ready before the cardholder is asked: no PIN is entered for a CVM that must fail anyway.
  const submit = verifier(channel, ctx, deps);
  if (submit === undefined) return false;
  for (let round = 0; round < 16; round++) {
    const pin = await deps.offlinePin({
      ...(triesLeft === undefined ? {} : { triesLeft }),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    if (pin === undefined) {
      ctx.tvr.set("pinPadNotPresentOrNotWorking");
      return false;
    }
    if (pin === "bypass") {
      ctx.tvr.set("pinPadPresentButPinNotEntered");
      return false;
    }
    const block = plaintextPinBlock(pin);
    pin.fill(0);
    if (!block) continue;
    let answer: CardResponse | "failed";
    try {
      answer = await submit(block);
    } finally {
      block.fill(0);
    }
    if (answer === "failed") return false;
    if (answer.sw === Sw.ok) return true;
    if (isPinRetryCounter(answer.sw) && (answer.sw & 0x0f) > 0) {
      triesLeft = answer.sw & 0x0f;
      continue;
    }
    if (
      isPinRetryCounter(answer.sw) ||
      answer.sw === Sw.pinBlocked ||
      answer.sw === Sw.referencedDataInvalidated
    ) {
      ctx.tvr.set("pinTryLimitExceeded");
    }
    return false;
  }
  return false;
}
