import { type CupFrame, MESSAGE_OFFSET, unpackFrame } from "../../protocol/iso8583/cup/frame.js";
import { type CupHeader, decodeHeader } from "../../protocol/iso8583/cup/header.js";
import { macInput } from "../../protocol/iso8583/cup/mac.js";
import { decodeTpdu, replyTpdu, type Tpdu } from "../../protocol/iso8583/cup/tpdu.js";
import { responseMtiOf, transactionOf } from "../../protocol/iso8583/cup/transactions.js";
import type { Iso8583Message } from "../../protocol/iso8583/spec.js";
import { type Field60, parseField60 } from "../../protocol/iso8583/subfields/field60.js";
import type { Behaviours } from "./behaviours.js";
import type { BehaviourAction, SimTransaction } from "./config.js";
import type { Exchange, HostContext, Reply } from "./exchange.js";
import { FINANCIAL, handleFinancial } from "./financial.js";
import { peekRequest } from "./frame-peek.js";
import { handleInstantSettlementQuery } from "./instant-settlement-query.js";
import { acknowledge, signIn, signOut } from "./management.js";
import { encodeResponse, responseMessage, verifyMac } from "./responses.js";
import { handleReversal } from "./reversal.js";
import { handleScanCode, isScanCode } from "./scan-code.js";
import { handleBatchUpload, handleSettlement } from "./settlement.js";
import type { TerminalState } from "./terminals.js";
import { handleTms } from "./tms.js";
import { clearTracks } from "./track-decryption.js";

/** What the server does with one request frame. */
export type Outcome =
  | { kind: "reply"; bytes: Buffer; action: BehaviourAction }
  /** Processed, but the behaviour says never answer. */
  | { kind: "silent"; action: BehaviourAction }
  | { kind: "close"; reason: string };

/** Requests that must carry a MAC (financial and reversal); others are checked when they carry one. */
const MAC_REQUIRED: ReadonlySet<string> = new Set(["0100", "0200", "0220", "0400"]);
/** Messages exempt from the duplicate-STAN check: a reversal reuses the original's STAN by design, and
 * IC batch uploads may carry the original's STAN. */
const STAN_EXEMPT: ReadonlySet<string> = new Set(["0400", "0320"]);
const SIGN_IN_CODES: ReadonlySet<string> = new Set(["001", "003", "004", "005"]);
const DEFAULT_HEADER: CupHeader = {
  applicationType: "60",
  specVersion: "31",
  terminalStatus: 0,
  processingRequirement: 0,
  softwareVersion: "000000",
};

/**
 * Which transaction a request is (management by MTI + 60.3, financial by the factor table). `memo`
 * caches the factor-table lookup, whose answer for an MTI and 60.1 never changes.
 */
export function classify(
  mti: string,
  f60: Field60 | undefined,
  memo: Map<string, SimTransaction | undefined> = new Map(),
): SimTransaction | undefined {
  switch (mti) {
    case "0400":
      return "reversal";
    case "0500":
      return "settlement";
    case "0320":
      return "batchUpload";
    case "0800":
      return f60?.netMgmtCode === undefined || SIGN_IN_CODES.has(f60.netMgmtCode) ? "signIn" : undefined;
    case "0820":
      return f60?.netMgmtCode === "002" ? "signOut" : f60?.netMgmtCode === "301" ? "echo" : undefined;
  }
  if (!f60) return undefined;
  const key = `${mti}|${f60.txnType}`;
  if (memo.has(key)) return memo.get(key);
  const kind = transactionOf(mti, f60.txnType);
  const financial = kind !== undefined && FINANCIAL.has(kind) ? kind : undefined;
  if (memo.size < 1000) memo.set(key, financial);
  return financial;
}

/** PAN from field 2, else from clear (or already deciphered) track 2 (digits before the separator). */
function panOf(fields: Record<number, string>): string | undefined {
  if (fields[2] !== undefined) return fields[2];
  const track2 = fields[35];
  if (track2 === undefined) return undefined;
  const match = /^(\d{12,19})D/.exec(track2);
  return match?.[1];
}

function fingerprint(m: Iso8583Message): string {
  const f = m.fields;
  // The card by its PAN wherever it came (2 or track 2): a repeat rebuilt from a journal carries field 2.
  return `${m.mti}|${panOf(f) ?? ""}|${f[3] ?? ""}|${f[4] ?? ""}|${f[60] ?? ""}|${f[61] ?? ""}`;
}

/**
 * The host's request pipeline, free of sockets: frame bytes in, an outcome out. Order: unpack (30 or
 * close when broken), classify, terminal (97 when restricted), TDK track decryption (53.3 = 1: 35/36
 * deciphered before anything reads them), behaviour switches, MAC (A0), undecryptable track (30),
 * duplicate STAN (94, or the same answer again for a true retransmission), batch (77), then the handler.
 */
export class Processor {
  private readonly kinds = new Map<string, SimTransaction | undefined>();

  constructor(
    private readonly ctx: HostContext,
    private readonly behaviours: Behaviours,
  ) {}

  handle(bytes: Buffer): Outcome {
    let frame: CupFrame;
    try {
      frame = unpackFrame(bytes);
    } catch (error) {
      return this.malformed(bytes, (error as Error).message);
    }
    const received = frame.message;
    let responseMti: string;
    try {
      responseMti = responseMtiOf(received.mti);
    } catch {
      return { kind: "close", reason: `MTI ${received.mti} is not a request` };
    }
    const stan = received.fields[11];
    const terminalId = received.fields[41];
    const merchantId = received.fields[42];
    if (stan === undefined || terminalId === undefined || merchantId === undefined) {
      return this.formatError(frame, responseMti, "field 11, 41 or 42 missing");
    }
    let f60: Field60 | undefined;
    if (received.fields[60] !== undefined) {
      try {
        f60 = parseField60(received.fields[60]);
      } catch (error) {
        return this.formatError(frame, responseMti, (error as Error).message);
      }
    }
    const transaction = classify(received.mti, f60, this.kinds);
    const terminal = this.ctx.terminals.get(terminalId, merchantId);
    if (!terminal)
      return this.answer(frame, responseMti, undefined, { responseCode: "97", fields: {} }, {}, false);
    // From here on 35/36 are clear (or absent when they did not decipher: answered 30 after the MAC).
    const tracks = clearTracks(received.fields, terminal.keys);
    const fields = tracks.fields;
    const message: Iso8583Message = fields === received.fields ? received : { mti: received.mti, fields };
    const pan = panOf(fields);
    const amount = fields[4] === undefined ? undefined : Number(fields[4]);
    const card = this.ctx.cards.find(pan);
    const x: Exchange = {
      frame,
      message,
      fields,
      mti: message.mti,
      transaction,
      f60,
      terminal,
      stan,
      batch: f60?.batch ?? terminal.batch,
      pan,
      amount,
      card,
    };
    const action = this.behaviours.resolve(
      { transaction, mti: message.mti, pan, amount, terminalId, merchantId },
      card?.behaviour,
    );
    if (action.drop === "before") return { kind: "close", reason: "behaviour: drop before processing" };

    if (MAC_REQUIRED.has(x.mti) || (fields[64] !== undefined && !x.mti.startsWith("08"))) {
      const mak = terminal.keys?.mak;
      const field64 = fields[64];
      if (!mak)
        return this.answer(
          frame,
          responseMti,
          x,
          { responseCode: "A0", fields: {}, note: "not signed in" },
          action,
          false,
        );
      if (field64 === undefined)
        return this.answer(
          frame,
          responseMti,
          x,
          { responseCode: "A0", fields: {}, note: "MAC missing" },
          action,
          false,
        );
      const body = bytes.subarray(MESSAGE_OFFSET);
      // Primary bitmap only: field 64 is the last field and bit 64 is already set, so the MAB is the
      // message minus its last 8 bytes, which is what macInput returns (without a second unpack).
      const mab = (body[2]! & 0x80) === 0 ? body.subarray(0, body.length - 8) : macInput(body);
      if (!verifyMac(this.ctx.settings.mac, mak, mab, Buffer.from(field64, "hex"))) {
        return this.answer(
          frame,
          responseMti,
          x,
          { responseCode: "A0", fields: {}, note: "bad MAC" },
          action,
          false,
        );
      }
    }

    if (!tracks.ok) {
      return this.answer(
        frame,
        responseMti,
        x,
        { responseCode: "30", fields: {}, note: `track data: ${tracks.why}` },
        action,
        false,
      );
    }

    const print = STAN_EXEMPT.has(x.mti) ? undefined : fingerprint(message);
    if (print !== undefined) {
      const seen = terminal.stanEntry(x.batch, stan);
      if (seen) {
        if (seen.fingerprint === print && seen.response) {
          return this.send(frame, x, seen.response, action, "retransmission: same answer again");
        }
        return this.answer(
          frame,
          responseMti,
          x,
          { responseCode: "94", fields: {}, note: "duplicate STAN" },
          action,
          true,
        );
      }
    }

    const result = this.dispatch(x, action);
    const response = this.build(x, responseMti, result);
    if (print !== undefined) terminal.rememberStan(x.batch, stan, { fingerprint: print, response });
    return this.send(frame, x, response, action, result.note, result);
  }

  private dispatch(x: Exchange, action: BehaviourAction): Reply {
    const t = x.transaction;
    const forced = action.respondWith;
    if (isScanCode(x)) return handleScanCode(x, this.ctx, forced);
    if (t !== undefined && FINANCIAL.has(t)) {
      if (x.f60?.batch !== undefined && x.f60.batch !== x.terminal.batch && forced === undefined) {
        return {
          responseCode: "77",
          fields: {},
          note: `batch ${x.f60.batch}, host is at ${x.terminal.batch}`,
        };
      }
      return handleFinancial(x, this.ctx, forced);
    }
    if (forced !== undefined) return { responseCode: forced, fields: {}, note: "behaviour switch" };
    switch (t) {
      case "signIn":
        return signIn(x, this.ctx);
      case "signOut":
        return signOut(x);
      case "echo":
        return acknowledge();
      case "reversal":
        return handleReversal(x, this.ctx);
      case "settlement":
        return handleSettlement(x, this.ctx);
      case "batchUpload":
        return handleBatchUpload(x, this.ctx);
      default:
        if (x.mti === "0800" || x.mti === "0820") {
          return handleTms(x, this.ctx) ?? handleInstantSettlementQuery(x, this.ctx) ?? acknowledge();
        }
        return { responseCode: "12", fields: {}, note: "unknown transaction" };
    }
  }

  private build(x: Exchange, responseMti: string, result: Reply): Iso8583Message {
    return responseMessage(
      x.message,
      responseMti,
      result.responseCode,
      result.fields,
      this.ctx.clock(),
      this.ctx.settings.acquirerId,
    );
  }

  /** An answer with no handler behind it (97, A0, 94): built, logged, MAC'd when `mac`. */
  private answer(
    frame: CupFrame,
    responseMti: string,
    x: Exchange | undefined,
    result: Reply,
    action: BehaviourAction,
    mac: boolean,
  ): Outcome {
    const response = responseMessage(
      frame.message,
      responseMti,
      result.responseCode,
      result.fields,
      this.ctx.clock(),
      this.ctx.settings.acquirerId,
    );
    return this.send(frame, x, response, action, result.note, result, mac);
  }

  private send(
    frame: CupFrame,
    x: Exchange | undefined,
    response: Iso8583Message,
    action: BehaviourAction,
    note: string | undefined,
    result?: Reply,
    allowMac = true,
  ): Outcome {
    const code = response.fields[39] ?? "";
    const terminal: TerminalState | undefined = x?.terminal;
    const mak = terminal?.keys?.mak;
    const withMac =
      allowMac &&
      this.ctx.settings.macResponses &&
      mak !== undefined &&
      !response.mti.startsWith("08") &&
      code !== "A0" &&
      code !== "30";
    const header: CupHeader = {
      ...frame.header,
      processingRequirement: action.processingRequirement ?? frame.header.processingRequirement,
    };
    const bytes = encodeResponse(response, {
      tpdu: replyTpdu(frame.tpdu),
      header,
      ...(withMac ? { mac: { algorithm: this.ctx.settings.mac, mak } } : {}),
      badMac: action.badMac === true,
    });
    if (this.ctx.log.enabled) {
      const f = frame.message.fields;
      const ledger = result?.ledger;
      const extras = [note, action.respondWith ? `forced ${action.respondWith}` : undefined].filter(Boolean);
      this.ctx.log.exchange({
        mti: frame.message.mti,
        responseMti: response.mti,
        transaction: x?.transaction ?? "unknown",
        terminalId: f[41],
        merchantId: f[42],
        stan: f[11],
        batch: x?.batch,
        pan: x?.pan,
        amount: x?.amount,
        responseCode: code,
        authCode: ledger?.authCode,
        rrn: response.fields[37],
        ...(extras.length ? { note: extras.join("; ") } : {}),
      });
    }
    return action.noAnswer ? { kind: "silent", action } : { kind: "reply", bytes, action };
  }

  private formatError(frame: CupFrame, responseMti: string, why: string): Outcome {
    return this.answer(
      frame,
      responseMti,
      undefined,
      { responseCode: "30", fields: {}, note: why },
      {},
      false,
    );
  }

  /** A frame that does not unpack: 30 when its MTI and STAN can be read, else close the connection. */
  private malformed(bytes: Buffer, why: string): Outcome {
    const peeked = peekRequest(bytes);
    let responseMti: string | undefined;
    try {
      responseMti = peeked ? responseMtiOf(peeked.mti) : undefined;
    } catch {
      responseMti = undefined;
    }
    if (!peeked || !responseMti || peeked.fields[11] === undefined) {
      this.ctx.log.event(`malformed frame (${bytes.length} bytes), closing: ${why}`);
      return { kind: "close", reason: why };
    }
    let tpdu: Tpdu;
    let header: CupHeader;
    try {
      tpdu = decodeTpdu(bytes, 2);
    } catch {
      tpdu = { destination: "0000", source: "0000" };
    }
    try {
      header = decodeHeader(bytes, 7);
    } catch {
      header = DEFAULT_HEADER;
    }
    const frame: CupFrame = { tpdu, header, message: { mti: peeked.mti, fields: peeked.fields } };
    this.ctx.log.event(`malformed ${peeked.mti} stan=${peeked.fields[11]}: ${why}`);
    return this.formatError(frame, responseMti, why);
  }
}
