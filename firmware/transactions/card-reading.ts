import type { ContactCardReader } from "../../drivers/contact/contact-reader.js";
import { type Swipe, wipeSwipe } from "../../drivers/magstripe/magstripe-reader.js";
import type { ContactlessReader } from "../../drivers/nfc/contactless-reader.js";
import type { PinPad } from "../../drivers/pinpad/index.js";
import { PinEntryCancelledError, PinEntryTimeoutError } from "../../drivers/pinpad/pinpad-errors.js";
import type { CapkStore } from "../../protocol/emv/index.js";
import { maskPan } from "../../protocol/pan-mask.js";
import {
  type ContactOutcome,
  cryptoRandom,
  type RandomSource,
  runContactTransaction,
} from "../emv/contact/index.js";
import {
  type ContactlessTerminal,
  combinationsFromConfig,
  createMchipKernel,
  createQpbocKernel,
  createQvsdcKernel,
  EntryPoint,
  type Kernel,
  type KernelOutcome,
} from "../emv/contactless/index.js";
import type { TerminalConfig } from "../emv/shared/terminal-config.js";
import type { TransactionType } from "../journal/transaction-record.js";
import { type CardRead, type ChipVerdict, cardKindOfAid, domesticPan, panFromBcd } from "./card-read.js";
import { TransactionError } from "./transaction-error.js";

const hex = (b: Buffer | undefined) => b?.toString("hex").toUpperCase();

/** 9C per transaction type (Book 3 Annex A5): 00 goods, 03 pre-auth… (UnionPay), 20 refund, 31 balance. */
const EMV_TYPE: Readonly<Record<TransactionType, number>> = {
  sale: 0x00,
  void: 0x00,
  refund: 0x20,
  preauth: 0x03,
  "preauth-void": 0x03,
  "preauth-completion": 0x00,
  "preauth-completion-advice": 0x00,
  "preauth-completion-void": 0x00,
  balance: 0x31,
};

export interface ChipContext {
  config: TerminalConfig;
  capks: CapkStore;
  clock: () => Date;
  random?: RandomSource;
  pinpad?: PinPad;
  /** Amounts at or under this (fen) need no signature (免密免签 limit). */
  noSignatureLimit: number;
}

export interface ReadRequest {
  type: TransactionType;
  amount: number;
  signal: AbortSignal;
}

async function askPin(
  pinpad: PinPad | undefined,
  pan: Buffer,
  amount: number,
  signal: AbortSignal,
): Promise<Buffer | undefined> {
  if (!pinpad) throw new TransactionError("pin", "无密码键盘", "No PIN pad");
  const yuan = `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, "0")}`;
  try {
    const result = await pinpad.getPin({
      pan: pan.toString("latin1"),
      prompt: [`RMB ${yuan}`, "ENTER PIN"],
      signal,
    });
    return result.block;
  } catch (error) {
    // The cardholder's Cancel and the pad's own timeout are outcomes the operator is shown, not faults.
    if (error instanceof PinEntryCancelledError) {
      throw new TransactionError("cancelled", "持卡人取消", "Cancelled by the cardholder", { cause: error });
    }
    if (error instanceof PinEntryTimeoutError) {
      throw new TransactionError("pin", "密码输入超时", "PIN entry timed out", { cause: error });
    }
    throw error;
  }
}

/**
 * 磁条: track 2 read into Buffers (the swipe is wiped), PIN on the pad. A chip card (service code 2xx/6xx)
 * swiped where the chip can be used is refused: "please insert" — unless this is the fallback after the
 * chip failed (`fallback`).
 */
export async function readSwipe(
  swipe: Swipe,
  request: ReadRequest,
  context: ChipContext,
  options: { fallback: boolean; chipReaderPresent: boolean },
): Promise<CardRead> {
  try {
    const t2 = swipe.tracks.t2.data;
    if (swipe.tracks.t2.status !== "ok" || !t2) {
      throw new TransactionError("card", "读卡失败 请重刷", "Card read error: swipe again");
    }
    if (swipe.chipCard && options.chipReaderPresent && !options.fallback) {
      throw new TransactionError("card", "请插IC卡", "Chip card: please insert the card");
    }
    const separator = t2.indexOf(0x3d);
    const pan = Buffer.from(t2.subarray(0, separator < 0 ? t2.length : separator));
    const card: CardRead = {
      entryMode: options.fallback ? "fallback" : "swipe",
      pan,
      maskedPan: maskPan(pan.toString("latin1")),
      track2: Buffer.from(t2),
      ...(swipe.tracks.t3.data ? { track3: Buffer.from(swipe.tracks.t3.data) } : {}),
      ...(swipe.expiry ? { expiry: swipe.expiry } : {}),
      signatureRequired: false,
      cardKind: "unknown",
      domestic: domesticPan(pan),
    };
    if (
      request.type !== "void" &&
      request.type !== "preauth-void" &&
      request.type !== "preauth-completion-void"
    ) {
      card.pinBlock = await askPin(context.pinpad, pan, request.amount, request.signal);
    }
    card.signatureRequired = request.amount > context.noSignatureLimit;
    return card;
  } finally {
    wipeSwipe(swipe);
  }
}

/** Scan-code payment: the customer's one-time code goes in field 59; no PIN, no signature. */
export function readCode(code: Buffer): CardRead {
  const text = code.toString("latin1");
  if (!/^\d{16,24}$/.test(text)) {
    code.fill(0);
    throw new TransactionError("card", "无效付款码", "Not a payment code");
  }
  return {
    entryMode: "qr",
    paymentCode: code,
    maskedPan: `${text.slice(0, 6)}${"*".repeat(text.length - 10)}${text.slice(-4)}`,
    signatureRequired: false,
    cardKind: "unknown",
    domestic: true,
  };
}

function emvSummary(outcome: Extract<ContactOutcome, { tvr: Buffer; pan: Buffer }>): CardRead["emv"] {
  const info: NonNullable<CardRead["emv"]> = {};
  const set = (key: keyof typeof info, value: string | undefined) => {
    if (value) info[key] = value;
  };
  set("aid", hex(outcome.aid));
  set("label", outcome.application.preferredName ?? outcome.application.label);
  set("cryptogram", hex(outcome.cryptogram?.cryptogram));
  set("tvr", hex(outcome.tvr));
  set("tsi", hex(outcome.tsi));
  set("atc", hex(outcome.cryptogram?.atc));
  return info;
}

/**
 * 插卡: power the card, run the contact kernel (online PIN on the pad), and keep its continuation for the
 * host's answer. Returns "fallback" when the chip cannot be read (the terminal then accepts a swipe).
 */
export async function readContact(
  reader: ContactCardReader,
  request: ReadRequest,
  context: ChipContext,
): Promise<CardRead | "fallback"> {
  try {
    await reader.powerOn({ signal: request.signal });
  } catch {
    return "fallback";
  }
  const outcome = await runContactTransaction(
    {
      channel: reader,
      config: context.config,
      capks: context.capks,
      now: context.clock,
      ...(context.random ? { random: context.random } : {}),
      pinEntry: {
        onlinePin: async ({ pan, amount, signal }) => {
          const digits = panFromBcd(pan);
          try {
            const block = await askPin(context.pinpad, digits, amount, signal ?? request.signal);
            return block ? { kind: "entered", pinBlock: block } : { kind: "bypassed" };
          } finally {
            digits.fill(0);
          }
        },
      },
      signal: request.signal,
    },
    { amount: request.amount, transactionType: EMV_TYPE[request.type] },
  );
  if (outcome.kind === "fallback-to-magstripe") return "fallback";
  if (outcome.kind === "end-application") {
    throw new TransactionError(
      "card",
      `交易终止 ${outcome.message}`,
      `Card transaction ended: ${outcome.message}`,
    );
  }
  const pan = panFromBcd(outcome.pan);
  const aid = hex(outcome.aid);
  const card: CardRead = {
    entryMode: "insert",
    pan,
    maskedPan: maskPan(pan.toString("latin1")),
    expiry: outcome.expiry.toString("hex").slice(0, 4),
    ...(outcome.panSequenceNumber ? { cardSequence: outcome.panSequenceNumber.toString("hex") } : {}),
    ...(outcome.track2Equivalent
      ? {
          track2: Buffer.from(
            outcome.track2Equivalent.toString("hex").toUpperCase().replace(/F+$/, "").replace("D", "="),
            "latin1",
          ),
        }
      : {}),
    iccData: outcome.field55 ?? Buffer.alloc(0),
    ...(outcome.pinBlock ? { pinBlock: outcome.pinBlock } : {}),
    signatureRequired: outcome.signatureRequired && request.amount > context.noSignatureLimit,
    cardKind: cardKindOfAid(aid),
    domestic: domesticPan(pan),
    emv: emvSummary(outcome),
  };
  if (outcome.kind === "approved-offline") card.offline = "approved";
  else if (outcome.kind === "declined-offline") card.offline = "declined";
  else {
    card.complete = async (host): Promise<ChipVerdict> => {
      const done =
        host === "unable-to-go-online" ? await outcome.unableToGoOnline() : await outcome.complete(host);
      return {
        accepted: done.kind === "approved",
        reverse: done.kind === "approved-by-host-declined-by-card",
        ...(done.cryptogram ? { tc: hex(done.cryptogram.cryptogram)! } : {}),
        tvr: hex(done.tvr)!,
        tsi: hex(done.tsi)!,
      };
    };
  }
  return card;
}

/** The reader's terminal data for the contactless kernels, from the same EMV config as the contact kernel. */
export function contactlessTerminal(config: TerminalConfig): ContactlessTerminal {
  return {
    countryCode: config.countryCode,
    currencyCode: config.currencyCode,
    terminalCapabilities: config.terminalCapabilities,
    additionalCapabilities: config.additionalCapabilities,
    terminalType: config.terminalType,
    ifdSerialNumber: config.ifdSerialNumber,
    onlineCapable: true,
  };
}

export function buildEntryPoint(context: ChipContext): EntryPoint {
  const deps = {
    terminal: contactlessTerminal(context.config),
    capks: context.capks,
    clock: context.clock,
    unpredictableNumber: (n: number) => (context.random ?? cryptoRandom).bytes(n),
  };
  const kernels = new Map<number, Kernel>([
    [7, createQpbocKernel(deps)],
    [3, createQvsdcKernel(deps)],
    [2, createMchipKernel(deps)],
  ]);
  return new EntryPoint({
    combinations: combinationsFromConfig(context.config),
    kernels,
    onlineCapable: true,
  });
}

/** 挥卡: the entry point and kernels on the activated card; "insert" when the card asks for another interface. */
export async function readContactless(
  reader: ContactlessReader,
  entryPoint: EntryPoint,
  request: ReadRequest,
  context: ChipContext,
): Promise<CardRead | "insert" | "again"> {
  const transaction = { amount: request.amount, type: EMV_TYPE[request.type] };
  let outcome: KernelOutcome;
  try {
    outcome = await entryPoint.tap(reader, transaction, entryPoint.preProcess(transaction), request.signal);
  } finally {
    await reader.release().catch(() => undefined);
  }
  if (outcome.outcome === "try-another-interface") return "insert";
  if (outcome.outcome === "try-again" || outcome.outcome === "select-next") return "again";
  const record = outcome.record;
  if (outcome.outcome === "end-application" || !record?.pan) {
    throw new TransactionError("card", "交易终止 请插卡", "Card transaction ended: insert the card");
  }
  const pan = panFromBcd(record.pan);
  const aid = hex(record.aid);
  const card: CardRead = {
    entryMode: "tap",
    pan,
    maskedPan: maskPan(pan.toString("latin1")),
    ...(record.panSequenceNumber ? { cardSequence: record.panSequenceNumber.toString("hex") } : {}),
    ...(record.field55 ? { iccData: record.field55 } : {}),
    signatureRequired: outcome.cvm === "signature" && request.amount > context.noSignatureLimit,
    cardKind: cardKindOfAid(aid),
    domestic: domesticPan(pan),
    emv: { ...(aid ? { aid } : {}), tvr: hex(record.tvr)! },
  };
  const data = outcome.dataRecord;
  const expiry = data?.get("5F24");
  if (expiry) card.expiry = expiry.toString("hex").slice(0, 4);
  const ac = data?.get("9F26");
  if (ac && card.emv) card.emv.cryptogram = hex(ac)!;
  if (record.track2) {
    card.track2 = Buffer.from(
      record.track2.toString("hex").toUpperCase().replace(/F+$/, "").replace("D", "="),
      "latin1",
    );
  }
  if (outcome.outcome === "approved") card.offline = "approved";
  else if (outcome.outcome === "declined") card.offline = "declined";
  else if (outcome.cvm === "online-pin") {
    card.pinBlock = await askPin(context.pinpad, pan, request.amount, request.signal);
  }
  return card;
}
