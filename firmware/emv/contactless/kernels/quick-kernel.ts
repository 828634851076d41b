import { buildField55, FIELD55_CONTACTLESS_REQUEST, parseAip, Tvr } from "../../../../protocol/emv/index.js";
import { ProtocolError } from "../../../../protocol/errors.js";
import { toHex } from "../../../../protocol/hex.js";
import { maskPan } from "../../../../protocol/pan-mask.js";
import { onlineCryptogramRequired } from "../entry-point/pre-processing.js";
import { endApplication, type OutcomeCvm, outcome, tryAgain, tryAnotherInterface } from "../outcome.js";
import {
  applicationExpired,
  bcdAmount,
  bcdDate,
  bcdTime,
  CardData,
  cvmResults,
  decodeResponse,
  gpoCommand,
  panDigits,
  pdolData,
  readRecords,
} from "./card-data.js";
import { CardGoneError, KernelDataError } from "./card-session.js";
import type {
  ContactlessRecord,
  CryptogramType,
  Kernel,
  KernelActivation,
  KernelDependencies,
  KernelOutcome,
} from "./kernel.js";
import { type OdaResult, runFdda } from "./oda.js";

/**
 * The "GPO returns the cryptogram" contactless kernels: UnionPay QuickPass qPBOC (Book C-7 family,
 * JR/T 0025.12) and Visa qVSDC (Book C-3) share this flow (emv-research.md §2.3–2.4):
 * GPO with a PDOL carrying TTQ 9F66, amount, UN, currency, date, type → AIP, AFL, AC, IAD, CTQ, and
 * for offline-capable cards the fDDA signature 9F4B + 9F69 → READ RECORD → card read OK → fDDA and the
 * outcome with the card already gone.
 */
export interface QuickKernelProfile {
  id: number;
  name: string;
  /** TTQ when the combination configures none. */
  defaultTtq: Buffer;
  /** Proprietary PDOL values (PBOC DF60 extended application, DF69 SM support). */
  extraPdolValues?: ReadonlyMap<string, Buffer>;
}

const TTQ_ONLINE_PIN = 0x04;
const TTQ_SIGNATURE = 0x02;
const TTQ_ODA_FOR_ONLINE = 0x01;
const CTQ_ONLINE_PIN = 0x80;
const CTQ_SIGNATURE = 0x40;
const CTQ_ONLINE_IF_ODA_FAILS = 0x20;
const CTQ_SWITCH_IF_ODA_FAILS = 0x10;
const CTQ_ONLINE_IF_EXPIRED = 0x08;
const CTQ2_CONSUMER_DEVICE_CVM = 0x80;

export class QuickKernel implements Kernel {
  readonly id: number;
  readonly name: string;

  constructor(
    private readonly profile: QuickKernelProfile,
    private readonly deps: KernelDependencies,
  ) {
    this.id = profile.id;
    this.name = profile.name;
  }

  async activate(a: KernelActivation): Promise<KernelOutcome> {
    const { deps } = this;
    const timer = deps.timer ?? (() => performance.now());
    const now = deps.clock();
    const terminal = deps.terminal;
    const un = deps.unpredictableNumber(4);
    const ttq = a.indicators.ttq ?? withIndicators(this.profile.defaultTtq, a);
    const amount = bcdAmount(a.transaction.amount);
    const values = new Map<string, Buffer>([
      ["9F66", ttq],
      ["9F02", amount],
      ["9F03", bcdAmount(a.transaction.otherAmount ?? 0)],
      ["9F1A", terminal.countryCode],
      ["95", Buffer.alloc(5)],
      ["5F2A", terminal.currencyCode],
      ["9A", bcdDate(now)],
      ["9F21", bcdTime(now)],
      ["9C", Buffer.from([a.transaction.type])],
      ["9F37", un],
      ["9F35", Buffer.from([terminal.terminalType])],
      ["9F33", terminal.terminalCapabilities],
      ["9F40", terminal.additionalCapabilities],
      ["9F1E", Buffer.from(terminal.ifdSerialNumber, "latin1")],
      ...(this.profile.extraPdolValues ?? new Map()),
    ]);
    const pdol = pdolData(a.fci, values);
    // A card whose PDOL does not ask for the TTQ does not speak qVSDC/qPBOC: contact EMV instead.
    if (!pdol.tags.includes("9F66")) return tryAnotherInterface();

    const card = new CardData();
    let odaRecords: Awaited<ReturnType<typeof readRecords>> = [];
    try {
      const { data, sw } = await a.session.send(gpoCommand(pdol.data), "GET PROCESSING OPTIONS");
      if (sw === 0x6985) return outcome("select-next", { start: "C" });
      if (sw === 0x6984) return tryAnotherInterface();
      if (sw === 0x6986) {
        return outcome("try-again", {
          start: "B",
          uiRequestOnOutcome: { message: "see-phone", status: "not-ready" },
        });
      }
      if (sw !== 0x9000) return endApplication();
      const nodes = decodeResponse(data, "GPO response");
      // Format 1 (80) is the full contact-style path, which these kernels do not run.
      if (nodes.length !== 1 || nodes[0]!.tag !== "77") return tryAnotherInterface();
      card.add(nodes[0]!.children ?? [], "GPO response");
      const afl = card.get("94");
      if (afl) odaRecords = await readRecords(a.session, afl, card);
    } catch (error) {
      if (error instanceof CardGoneError) return tryAgain();
      if (error instanceof KernelDataError || error instanceof ProtocolError) return endApplication();
      throw error;
    }
    const cardInFieldMs = a.session.elapsedMs;
    const afterCardStart = timer();
    deps.onCardRead?.();

    // ---- the card may leave now: everything below is terminal-side only ----
    const tvr = new Tvr();
    const aip = card.get("82");
    const ac = card.get("9F26");
    const pan = card.get("5A");
    const digits = panDigits(card);
    if (aip?.length !== 2 || !ac || !digits) return endApplication();
    const cryptogram = cryptogramType(card);
    if (!cryptogram) return endApplication();
    const ctq = card.get("9F6C");
    const ctq1 = ctq?.[0] ?? 0;
    const ctq2 = ctq?.[1] ?? 0;

    let oda: OdaResult | undefined;
    const fdda = () =>
      runFdda({
        capks: deps.capks,
        aid: a.dfName,
        card,
        odaRecords,
        now,
        timer,
        unpredictableNumber: un,
        amount,
        currency: terminal.currencyCode,
      });
    const canFdda = parseAip(aip).dda && card.get("9F4B") !== undefined;

    let kind: "approved" | "declined" | "online-request" | "try-another-interface" = "declined";
    if (cryptogram === "TC") {
      if (canFdda) oda = fdda();
      else tvr.set("offlineDataAuthenticationNotPerformed");
      if (!oda?.ok) {
        for (const bit of oda && !oda.ok ? oda.tvrBits : ["iccDataMissing" as const]) tvr.set(bit);
        kind =
          ctq1 & CTQ_ONLINE_IF_ODA_FAILS
            ? "online-request"
            : ctq1 & CTQ_SWITCH_IF_ODA_FAILS
              ? "try-another-interface"
              : "declined";
      } else if (applicationExpired(card.get("5F24"), now)) {
        tvr.set("expiredApplication");
        kind = ctq1 & CTQ_ONLINE_IF_EXPIRED ? "online-request" : "declined";
      } else if (pan && deps.isOnExceptionFile?.(pan)) {
        tvr.set("cardOnExceptionFile");
        kind = "declined";
      } else {
        kind = "approved";
      }
    } else if (cryptogram === "ARQC") {
      kind = "online-request";
      // "ODA for online authorisation" (TTQ b1): do fDDA too and tell the host the result via the TVR.
      if (ttq[0]! & TTQ_ODA_FOR_ONLINE && canFdda) {
        oda = fdda();
        if (!oda.ok) for (const bit of oda.tvrBits) tvr.set(bit);
      } else {
        tvr.set("offlineDataAuthenticationNotPerformed");
      }
    } else {
      tvr.set("offlineDataAuthenticationNotPerformed");
    }
    if (a.indicators.readerContactlessFloorLimitExceeded) tvr.set("transactionExceedsFloorLimit");

    const cvm = chooseCvm(kind, ttq, ctq, ctq1, ctq2, a.indicators.readerCvmRequiredLimitExceeded);
    if (cvm === "online-pin") tvr.set("onlinePinEntered");
    values.set("95", tvr.toBuffer());
    values.set("9F34", cvmResults(cvm));
    values.set("84", a.dfName);
    const record: Map<string, Buffer> = new Map([...values, ...card.values]);
    const balance = card.get("9F5D");
    const rec: ContactlessRecord = {
      kernelId: this.id,
      aid: a.dfName,
      cryptogramType: cryptogram,
      maskedPan: maskPan(digits),
      tvr: tvr.toBuffer(),
      oda: oda === undefined ? "not-performed" : oda.ok ? "succeeded" : "failed",
      timings: { cardInFieldMs, afterCardMs: 0, ...(oda ? { oda: oda.timings } : {}) },
      ...(pan ? { pan } : {}),
      ...(card.get("5F34") ? { panSequenceNumber: card.get("5F34")! } : {}),
      ...(card.get("57") ? { track2: card.get("57")! } : {}),
      ...(balance && /^\d+$/.test(toHex(balance)) ? { balance: Number(toHex(balance)) } : {}),
    };
    if (kind === "online-request" || kind === "approved") {
      // The card computed its cryptogram over the PDOL data it was sent, TVR included (zeros at GPO):
      // field 55 carries those values so the issuer can verify it. The final TVR stays in the record.
      const sentToCard = new Map(record);
      sentToCard.set("95", Buffer.alloc(5));
      rec.field55 = buildField55(FIELD55_CONTACTLESS_REQUEST, sentToCard);
    }
    rec.timings.afterCardMs = timer() - afterCardStart;

    const common = {
      cvm,
      dataRecord: record,
      receipt: kind === "approved" || kind === "online-request",
      ...(rec.balance === undefined ? {} : { discretionaryData: new Map([["9F5D", balance!]]) }),
      record: rec,
    };
    switch (kind) {
      case "approved":
        return {
          ...outcome("approved", common),
          ...common,
          uiRequestOnOutcome: {
            message: cvm === "signature" ? "sign-receipt" : "approved",
            status: "card-read-successfully",
            ...(rec.balance === undefined ? {} : { balance: rec.balance }),
          },
        };
      case "online-request":
        return {
          ...outcome("online-request", common),
          ...common,
          uiRequestOnOutcome: {
            message: cvm === "online-pin" ? "enter-pin" : "authorising",
            status: "card-read-successfully",
          },
        };
      case "try-another-interface":
        return { ...tryAnotherInterface(), record: rec };
      default:
        return {
          ...outcome("declined", common),
          ...common,
          receipt: false,
          uiRequestOnOutcome: { message: "declined", status: "card-read-successfully" },
        };
    }
  }
}

/** The pre-processing TTQ bits on a kernel default (when the combination configures no TTQ). */
function withIndicators(base: Buffer, a: KernelActivation): Buffer {
  const ttq = Buffer.from(base);
  ttq[1] = ttq[1]! & 0x3f;
  if (onlineCryptogramRequired(a.indicators)) ttq[1] = ttq[1]! | 0x80;
  if (a.indicators.readerCvmRequiredLimitExceeded) ttq[1] = ttq[1]! | 0x40;
  return ttq;
}

/**
 * 9F27 when the card gives it; else the cryptogram type the CVR inside the IAD carries (Visa / PBOC
 * IAD: length, DKI, CVN, CVR length 03, CVR byte 2 b6–b5 = type of the first AC: 00 AAC, 01 TC, 10 ARQC).
 */
export function cryptogramType(card: CardData): CryptogramType | undefined {
  const cid = card.get("9F27");
  if (cid && cid.length === 1) {
    const type = cid[0]! & 0xc0;
    return type === 0x00 ? "AAC" : type === 0x40 ? "TC" : type === 0x80 ? "ARQC" : undefined;
  }
  const iad = card.get("9F10");
  if (!iad || iad.length < 5 || iad[3] !== 0x03) return undefined;
  const type = (iad[4]! >> 4) & 0x03;
  return type === 0 ? "AAC" : type === 1 ? "TC" : type === 2 ? "ARQC" : undefined;
}

/**
 * CVM (qVSDC / qPBOC §7.8): the card's CTQ decides — b8 online PIN, b7 signature, byte 2 b8 consumer
 * device CVM done; otherwise a CVM required by the reader limit is signature if the reader supports it,
 * else online PIN (online only).
 */
function chooseCvm(
  kind: string,
  ttq: Buffer,
  ctq: Buffer | undefined,
  ctq1: number,
  ctq2: number,
  cvmRequired: boolean,
): OutcomeCvm {
  if (kind === "declined" || kind === "try-another-interface") return "N/A";
  const ttq1 = ttq[0]!;
  if (ctq) {
    if (ctq2 & CTQ2_CONSUMER_DEVICE_CVM) return "confirmation-code-verified";
    if (kind === "online-request" && ctq1 & CTQ_ONLINE_PIN && ttq1 & TTQ_ONLINE_PIN) return "online-pin";
    if (ctq1 & CTQ_SIGNATURE && ttq1 & TTQ_SIGNATURE) return "signature";
    if (ctq1 & (CTQ_ONLINE_PIN | CTQ_SIGNATURE)) {
      // The card asked for a CVM the reader lacks: the other one it has.
      if (kind === "online-request" && ttq1 & TTQ_ONLINE_PIN) return "online-pin";
      if (ttq1 & TTQ_SIGNATURE) return "signature";
    }
  }
  // No CTQ, or a CTQ that asks for nothing: the reader's CVM required limit decides.
  if (!cvmRequired) return "no-cvm";
  if (ttq1 & TTQ_SIGNATURE) return "signature";
  if (kind === "online-request" && ttq1 & TTQ_ONLINE_PIN) return "online-pin";
  return "no-cvm";
}
