import { buildField55, FIELD55_CONTACTLESS_REQUEST, parseAip, Tvr } from "../../../../protocol/emv/index.js";
import { ProtocolError } from "../../../../protocol/errors.js";
import { maskPan } from "../../../../protocol/pan-mask.js";
import { buildDolData, parseDol } from "../../../../protocol/tlv/index.js";
import { endApplication, type OutcomeCvm, outcome, tryAgain } from "../outcome.js";
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
import { type OdaResult, runCda } from "./oda.js";
import { cryptogramType } from "./quick-kernel.js";

/**
 * A Mastercard PayPass M/Chip-style kernel (kernel 2, Book C-2 EMV mode, simplified: no relay
 * resistance, no data exchange, no torn-transaction recovery): GPO → READ RECORD → CVM from the CVM
 * list against the CVM required limit → terminal action analysis → GENERATE AC with CDA requested →
 * card read OK → CDA verified with the card gone → outcome.
 */
export interface MchipOptions {
  /** Terminal action codes (Denial / Online / Default), 5 bytes each. */
  tacDenial?: Buffer;
  tacOnline?: Buffer;
  tacDefault?: Buffer;
  /** Online PIN available for this AID. */
  onlinePinSupported?: boolean;
}

const DEFAULT_TACS = {
  denial: Buffer.from("0000000000", "hex"),
  online: Buffer.from("F850ACF800", "hex"),
  default: Buffer.from("F850ACA000", "hex"),
};

export class MchipKernel implements Kernel {
  readonly id = 2;
  readonly name = "M/Chip";

  constructor(
    private readonly deps: KernelDependencies,
    private readonly options: MchipOptions = {},
  ) {}

  async activate(a: KernelActivation): Promise<KernelOutcome> {
    const { deps } = this;
    const timer = deps.timer ?? (() => performance.now());
    const now = deps.clock();
    const terminal = deps.terminal;
    const un = deps.unpredictableNumber(4);
    const tvr = new Tvr();
    const values = new Map<string, Buffer>([
      ["9F02", bcdAmount(a.transaction.amount)],
      ["9F03", bcdAmount(a.transaction.otherAmount ?? 0)],
      ["9F1A", terminal.countryCode],
      ["95", tvr.toBuffer()],
      ["5F2A", terminal.currencyCode],
      ["9A", bcdDate(now)],
      ["9F21", bcdTime(now)],
      ["9C", Buffer.from([a.transaction.type])],
      ["9F37", un],
      ["9F35", Buffer.from([terminal.terminalType])],
      ["9F33", terminal.terminalCapabilities],
      ["9F40", terminal.additionalCapabilities],
      ["9F1E", Buffer.from(terminal.ifdSerialNumber, "latin1")],
      ["84", a.dfName],
    ]);
    const pdol = pdolData(a.fci, values);
    const card = new CardData();
    let odaRecords: Awaited<ReturnType<typeof readRecords>> = [];
    let genAc: { data: Buffer; cdol1Data: Buffer; cdaRequested: boolean };
    let decision: CryptogramType;
    let cvm: OutcomeCvm;
    try {
      const gpo = await a.session.send(gpoCommand(pdol.data), "GET PROCESSING OPTIONS");
      if (gpo.sw === 0x6985) return outcome("select-next", { start: "C" });
      if (gpo.sw !== 0x9000) return endApplication();
      const nodes = decodeResponse(gpo.data, "GPO response");
      if (nodes.length === 1 && nodes[0]!.tag === "80" && nodes[0]!.value.length >= 2) {
        const v = nodes[0]!.value;
        card.add(
          [
            { tag: "82", value: v.subarray(0, 2) },
            { tag: "94", value: v.subarray(2) },
          ],
          "GPO response",
        );
      } else if (nodes.length === 1 && nodes[0]!.tag === "77") {
        card.add(nodes[0]!.children ?? [], "GPO response");
      } else {
        return endApplication();
      }
      const afl = card.get("94");
      if (!afl || afl.length === 0) return endApplication();
      odaRecords = await readRecords(a.session, afl, card);
      const cdol1 = card.get("8C");
      const aipValue = card.get("82");
      if (!cdol1 || !aipValue || aipValue.length !== 2 || !panDigits(card) || !card.get("5F24")) {
        return endApplication();
      }
      const aip = parseAip(aipValue);
      // Card-side checks that need no RSA: processing restrictions and risk management in the TVR.
      if (applicationExpired(card.get("5F24"), now)) tvr.set("expiredApplication");
      if (a.indicators.readerContactlessFloorLimitExceeded) tvr.set("transactionExceedsFloorLimit");
      const pan = card.get("5A");
      if (pan && deps.isOnExceptionFile?.(pan)) tvr.set("cardOnExceptionFile");
      const cdaRequested = aip.cda && card.get("8F") !== undefined;
      if (!cdaRequested) tvr.set("offlineDataAuthenticationNotPerformed");
      cvm = this.cvm(card, a, aip.onDeviceCvm);
      if (cvm === "online-pin") tvr.set("onlinePinEntered");
      values.set("9F34", cvmResults(cvm));
      values.set("95", tvr.toBuffer());
      decision = this.actionAnalysis(tvr, card);
      const cdol1Data = buildDolData(parseDol(cdol1), (tag) => values.get(tag) ?? card.get(tag));
      const p1 =
        (decision === "AAC" ? 0x00 : decision === "TC" ? 0x40 : 0x80) |
        (cdaRequested && decision !== "AAC" ? 0x10 : 0);
      const command = Buffer.concat([
        Buffer.from([0x80, 0xae, p1, 0x00, cdol1Data.length]),
        cdol1Data,
        Buffer.from([0x00]),
      ]);
      const answer = await a.session.send(command, "GENERATE AC");
      if (answer.sw !== 0x9000) return endApplication();
      genAc = { data: answer.data, cdol1Data, cdaRequested: cdaRequested && decision !== "AAC" };
    } catch (error) {
      if (error instanceof CardGoneError) return tryAgain();
      if (error instanceof KernelDataError || error instanceof ProtocolError) return endApplication();
      throw error;
    }
    const cardInFieldMs = a.session.elapsedMs;
    const afterCardStart = timer();
    deps.onCardRead?.();

    // ---- card may leave: parse the GENERATE AC answer, verify CDA, decide ----
    const acData = new CardData();
    let nodes: ReturnType<typeof decodeResponse>;
    try {
      nodes = decodeResponse(genAc.data, "GENERATE AC response");
      const top = nodes[0];
      if (nodes.length !== 1 || !top) return endApplication();
      if (top.tag === "77") acData.add(top.children ?? [], "GENERATE AC response");
      else if (top.tag === "80" && top.value.length >= 11) {
        acData.add(
          [
            { tag: "9F27", value: top.value.subarray(0, 1) },
            { tag: "9F36", value: top.value.subarray(1, 3) },
            { tag: "9F26", value: top.value.subarray(3, 11) },
            ...(top.value.length > 11 ? [{ tag: "9F10", value: top.value.subarray(11) }] : []),
          ],
          "GENERATE AC response",
        );
      } else return endApplication();
    } catch (error) {
      if (error instanceof KernelDataError || error instanceof ProtocolError) return endApplication();
      throw error;
    }
    let cardDecision = cryptogramType(acData);
    if (!cardDecision) return endApplication();
    // The card may only downgrade (Book 3 §9.3): TC asked, ARQC/AAC fine; AAC asked, anything else is AAC.
    if (decision === "AAC" || (decision === "ARQC" && cardDecision === "TC")) cardDecision = "AAC";
    let oda: OdaResult | undefined;
    if (genAc.cdaRequested && cardDecision !== "AAC") {
      oda = runCda({
        capks: deps.capks,
        aid: a.dfName,
        card,
        odaRecords,
        now,
        timer,
        unpredictableNumber: un,
        pdolData: pdol.data,
        cdol1Data: genAc.cdol1Data,
        response: genAc.data,
        signed9F4B: acData.get("9F4B"),
        cid: acData.get("9F27") ?? Buffer.alloc(0),
      });
      if (!oda.ok) {
        for (const bit of oda.tvrBits) tvr.set(bit);
        cardDecision = "AAC";
      }
    }
    values.set("95", tvr.toBuffer());
    const record = new Map<string, Buffer>([...values, ...card.values, ...acData.values]);
    const digits = panDigits(card)!;
    const pan = card.get("5A");
    const rec: ContactlessRecord = {
      kernelId: this.id,
      aid: a.dfName,
      cryptogramType: cardDecision,
      maskedPan: maskPan(digits),
      tvr: tvr.toBuffer(),
      oda: oda === undefined ? "not-performed" : oda.ok ? "succeeded" : "failed",
      timings: { cardInFieldMs, afterCardMs: 0, ...(oda ? { oda: oda.timings } : {}) },
      ...(pan ? { pan } : {}),
      ...(card.get("5F34") ? { panSequenceNumber: card.get("5F34")! } : {}),
      ...(card.get("57") ? { track2: card.get("57")! } : {}),
    };
    if (cardDecision !== "AAC") rec.field55 = buildField55(FIELD55_CONTACTLESS_REQUEST, record);
    rec.timings.afterCardMs = timer() - afterCardStart;
    const common = { dataRecord: record, record: rec, cvm };
    if (cardDecision === "TC") {
      return {
        ...outcome("approved", common),
        ...common,
        receipt: true,
        uiRequestOnOutcome: {
          message: cvm === "signature" ? "sign-receipt" : "approved",
          status: "card-read-successfully",
        },
      };
    }
    if (cardDecision === "ARQC") {
      return {
        ...outcome("online-request", common),
        ...common,
        receipt: true,
        uiRequestOnOutcome: {
          message: cvm === "online-pin" ? "enter-pin" : "authorising",
          status: "card-read-successfully",
        },
      };
    }
    return {
      ...outcome("declined", common),
      ...common,
      cvm: "N/A",
      uiRequestOnOutcome: { message: "declined", status: "card-read-successfully" },
    };
  }

  /** CVM list walk, reduced to what a contactless reader offers: online PIN, signature, no CVM, on-device. */
  private cvm(card: CardData, a: KernelActivation, onDeviceCvm: boolean): OutcomeCvm {
    if (!a.indicators.readerCvmRequiredLimitExceeded) return "no-cvm";
    if (onDeviceCvm) return "confirmation-code-verified";
    const list = card.get("8E");
    if (!list || list.length < 10) return "no-cvm";
    for (let i = 8; i + 1 < list.length; i += 2) {
      const code = list[i]! & 0x3f;
      if (code === 0x02 && this.options.onlinePinSupported !== false && this.deps.terminal.onlineCapable)
        return "online-pin";
      if (code === 0x1e) return "signature";
      if (code === 0x1f) return "no-cvm";
    }
    return "no-cvm";
  }

  /** Terminal action analysis (Book 3 §10.7) with the card's IACs (absent Online/Default = all ones). */
  private actionAnalysis(tvr: Tvr, card: CardData): CryptogramType {
    const ones = Buffer.alloc(5, 0xff);
    const or = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x | b[i]!));
    const denial = or(this.options.tacDenial ?? DEFAULT_TACS.denial, card.get("9F0E") ?? Buffer.alloc(5));
    if (tvr.matches(denial)) return "AAC";
    if (this.deps.terminal.onlineCapable) {
      const online = or(this.options.tacOnline ?? DEFAULT_TACS.online, card.get("9F0F") ?? ones);
      return tvr.matches(online) ? "ARQC" : "TC";
    }
    const dflt = or(this.options.tacDefault ?? DEFAULT_TACS.default, card.get("9F0D") ?? ones);
    return tvr.matches(dflt) ? "AAC" : "TC";
  }
}

export function createMchipKernel(deps: KernelDependencies, options: MchipOptions = {}): MchipKernel {
  return new MchipKernel(deps, options);
}
