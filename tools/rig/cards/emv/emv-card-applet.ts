import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type DolEntry, dolDataLength, encodeTlv, type TlvNode } from "../../../../protocol/tlv/index.js";
import type { VirtualCard } from "../../virtual-card.js";
import {
  type AcType,
  applicationCryptogram,
  arpcValid,
  CID,
  Cvr,
  cryptogramInput,
  issuerApplicationData,
} from "./card-cryptogram.js";
import { CardMuteError, CardRemovedError } from "./card-errors.js";
import { signedDynamicData } from "./certificates.js";
import { applicationFci, PPSE_NAME, PSE_NAME, PSE_SFI, ppseFci, pseFci, pseRecord } from "./fci.js";
import { type PersonalisedCard, personalise } from "./personalise.js";
import type { EmvCardProfile } from "./profile.js";
import { rsaSignRaw } from "./rsa.js";
import { loadTestPki, type TestPki } from "./test-pki.js";

/**
 * A virtual EMV chip: one payment application answering the terminal's commands from a personalised
 * profile, with its own counters (ATC, PIN tries), real cryptograms under the ICC master key, DDA /
 * CDA / fDDA signatures under its ICC key, offline PIN, issuer authentication and issuer scripts.
 * Contact (PSE) and contactless (PPSE; qPBOC/qVSDC "quick" GPO or EMV mode) share the same state, as
 * on a dual-interface card.
 */

const SW = {
  ok: 0x9000,
  warningBlocked: 0x6283,
  authFailed: 0x6300,
  wrongLength: 0x6700,
  securityNotSatisfied: 0x6982,
  pinBlocked: 0x6983,
  conditionsNotSatisfied: 0x6985,
  wrongData: 0x6a80,
  functionNotSupported: 0x6a81,
  fileNotFound: 0x6a82,
  recordNotFound: 0x6a83,
  wrongP1P2: 0x6a86,
  dataNotFound: 0x6a88,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
} as const;

/** ARCs (8A) a card treats as issuer approval; Y3/Z3 mean "unable to go online". */
const APPROVED_ARC = new Set(["3030", "3130", "3131"]);
const UNABLE_ONLINE_ARC = new Set(["5933", "5A33"]);

export interface EmvCardAppletOptions {
  /** The test PKI (default: the committed test-pki.json). */
  pki?: TestPki;
  /** Random source for GET CHALLENGE, ICC dynamic numbers and the card UN (tests fix it). */
  random?: (length: number) => Buffer;
  /** Starting application transaction counter (default 0: the first GENERATE AC uses 0001). */
  atc?: number;
  /** Last online ATC register 9F13 (default 0 = new card). */
  lastOnlineAtc?: number;
}

interface Command {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Buffer;
}

interface Transaction {
  /** Value of 83 in GET PROCESSING OPTIONS (CDA hashes it). */
  pdolData: Buffer | undefined;
  cdol1Data: Buffer | undefined;
  /** Terminal data objects received in PDOL / CDOL1 / CDOL2 data (later ones win). */
  terminal: Map<string, Buffer>;
  firstAc: AcType | undefined;
  arqc: Buffer | undefined;
  completed: boolean;
  issuerAuth: "none" | "ok" | "failed";
  cvr: Cvr;
}

/** A response: data ‖ SW1 SW2. */
function answer(sw: number, data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([data, Buffer.from([sw >> 8, sw & 0xff])]);
}

function parseCommand(apdu: Buffer): Command | number {
  if (apdu.length < 4) return SW.wrongLength;
  const base = { cla: apdu[0]!, ins: apdu[1]!, p1: apdu[2]!, p2: apdu[3]! };
  if (apdu.length <= 5) return { ...base, data: Buffer.alloc(0) };
  const lc = apdu[4]!;
  // Case 3 (Lc data) or case 4 (Lc data Le); T=0 drops Le, T=1 and T=CL keep it.
  if (lc === 0 || (apdu.length !== 5 + lc && apdu.length !== 6 + lc)) return SW.wrongLength;
  return { ...base, data: Buffer.from(apdu.subarray(5, 5 + lc)) };
}

/** Splits DOL data into tag → value by the DOL (the card knows its own DOLs). */
function dolValues(dol: readonly DolEntry[], data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  for (const { tag, length } of dol) {
    out.set(tag.toUpperCase(), Buffer.from(data.subarray(at, at + length)));
    at += length;
  }
  return out;
}

function bcdAmount(value: Buffer | undefined): number {
  if (!value || !/^\d+$/.test(value.toString("hex"))) return 0;
  return Number(value.toString("hex"));
}

export class EmvCardApplet implements VirtualCard {
  readonly name: string;
  readonly atr?: Buffer;
  readonly contactless?: { uid: Buffer; atqa: Buffer; sak: number; ats: Buffer };
  readonly tracks?: { track1?: string; track2?: string; track3?: string };

  private readonly card: PersonalisedCard;
  private readonly random: (length: number) => Buffer;
  private atcValue: number;
  private lastOnlineAtcValue: number;
  private pinTries: number;
  private appBlocked: boolean;
  private cardBlocked = false;
  private commands = 0;
  private removed = false;
  private selected: "none" | "pse" | "ppse" | "app" = "none";
  private iface: "unknown" | "contact" | "contactless" = "unknown";
  private challenge: Buffer | undefined;
  private scriptCommands = 0;
  private lastOnlineIncomplete = false;
  private lastIssuerAuthFailed = false;
  private readonly putData = new Map<string, Buffer>();
  private txn: Transaction = EmvCardApplet.freshTransaction();

  constructor(
    readonly profile: EmvCardProfile,
    options: EmvCardAppletOptions = {},
  ) {
    this.name = profile.name;
    this.card = personalise(profile, options.pki ?? loadTestPki());
    this.random = options.random ?? randomBytes;
    this.atcValue = options.atc ?? 0;
    this.lastOnlineAtcValue = options.lastOnlineAtc ?? 0;
    this.pinTries = profile.pinTryLimit;
    this.appBlocked = profile.faults.blocked;
    this.atr = Buffer.from(profile.atr ?? "3B600000", "hex");
    if (profile.contactless) {
      const c = profile.contactless;
      this.contactless = {
        uid: Buffer.from(c.uid, "hex"),
        atqa: Buffer.from(c.atqa, "hex"),
        sak: c.sak,
        ats: Buffer.from(c.ats, "hex"),
      };
    }
    const yymm = this.card.expiry.slice(0, 4);
    // Track 2 stays within ISO/IEC 7813's 37 characters (PAN = YYMM SC discretionary).
    const discretionary = "0".repeat(Math.max(0, Math.min(13, 37 - (profile.pan.length + 8))));
    this.tracks = {
      track1: `B${profile.pan}^${profile.cardholderName}^${yymm}${profile.serviceCode}${discretionary}`,
      track2: `${profile.pan}=${yymm}${profile.serviceCode}${discretionary}`,
    };
  }

  private static freshTransaction(): Transaction {
    return {
      pdolData: undefined,
      cdol1Data: undefined,
      terminal: new Map(),
      firstAc: undefined,
      arqc: undefined,
      completed: false,
      issuerAuth: "none",
      cvr: new Cvr(),
    };
  }

  /** Application transaction counter (9F36) as it stands. */
  get atc(): number {
    return this.atcValue;
  }

  get lastOnlineAtc(): number {
    return this.lastOnlineAtcValue;
  }

  get pinTryCounter(): number {
    return this.pinTries;
  }

  get applicationBlocked(): boolean {
    return this.appBlocked;
  }

  get blocked(): boolean {
    return this.cardBlocked;
  }

  /** Issuer script commands executed since personalisation. */
  get scriptCommandCount(): number {
    return this.scriptCommands;
  }

  /** Wipes the card's key material (the applet answers nothing useful afterwards). */
  destroy(): void {
    this.card.iccMasterKey.fill(0);
  }

  transmit(apdu: Buffer): Buffer {
    if (this.profile.faults.muteAfterAtr) throw new CardMuteError(this.name);
    const limit = this.profile.faults.removeAfterCommands;
    if (this.removed || (limit !== undefined && this.commands >= limit)) {
      this.removed = true;
      throw new CardRemovedError(this.name);
    }
    this.commands++;
    const command = parseCommand(apdu);
    if (typeof command === "number") return answer(command);
    return this.dispatch(command);
  }

  private dispatch(c: Command): Buffer {
    if (c.cla === 0x84) return this.issuerScriptCommand(c);
    if (c.cla !== 0x00 && c.cla !== 0x80) return answer(SW.claNotSupported);
    if (this.cardBlocked && c.ins !== 0xa4) return answer(SW.functionNotSupported);
    switch (`${c.cla === 0x80 ? "80" : "00"}${c.ins.toString(16).padStart(2, "0")}`) {
      case "00a4":
        return this.select(c);
      case "00b2":
        return this.readRecord(c);
      case "80a8":
        return this.getProcessingOptions(c);
      case "80ca":
        return this.getData(c);
      case "0084":
        return this.getChallenge();
      case "0020":
        return this.verify(c);
      case "0088":
        return this.internalAuthenticate(c);
      case "80ae":
        return this.generateAc(c);
      case "0082":
        return this.externalAuthenticate(c);
      default:
        return answer(SW.insNotSupported);
    }
  }

  // --- selection ---------------------------------------------------------------------------------

  private select(c: Command): Buffer {
    if (c.p1 !== 0x04) return answer(SW.wrongP1P2);
    this.txn = EmvCardApplet.freshTransaction();
    this.selected = "none";
    if (this.cardBlocked) return answer(SW.functionNotSupported);
    const next = (c.p2 & 0x03) === 0x02;
    if (c.data.equals(PSE_NAME)) {
      if (!this.profile.pse || next) return answer(SW.fileNotFound);
      this.selected = "pse";
      this.iface = "contact";
      return answer(SW.ok, pseFci(this.profile));
    }
    if (c.data.equals(PPSE_NAME)) {
      if (!this.profile.contactlessApplication || next) return answer(SW.fileNotFound);
      this.selected = "ppse";
      this.iface = "contactless";
      return answer(SW.ok, ppseFci(this.profile));
    }
    const aid = Buffer.from(this.profile.application.aid, "hex");
    // Partial selection: the terminal's AID may be a prefix of the card's DF name (one app: no "next").
    if (next || c.data.length < 5 || !aid.subarray(0, c.data.length).equals(c.data)) {
      return answer(SW.fileNotFound);
    }
    this.selected = "app";
    return answer(this.appBlocked ? SW.warningBlocked : SW.ok, applicationFci(this.profile, this.card));
  }

  private readRecord(c: Command): Buffer {
    if ((c.p2 & 0x07) !== 0x04 || c.p1 === 0) return answer(SW.wrongP1P2);
    const sfi = c.p2 >> 3;
    if (this.selected === "pse") {
      return sfi === PSE_SFI && c.p1 === 1
        ? answer(SW.ok, pseRecord(this.profile))
        : answer(SW.recordNotFound);
    }
    if (this.selected !== "app") return answer(SW.conditionsNotSatisfied);
    const record = this.card.records.get(`${sfi}:${c.p1}`);
    return record ? answer(SW.ok, record) : answer(SW.recordNotFound);
  }

  // --- initiate application processing -------------------------------------------------------------

  private getProcessingOptions(c: Command): Buffer {
    if (c.p1 !== 0 || c.p2 !== 0) return answer(SW.wrongP1P2);
    if (this.selected !== "app" || this.appBlocked || this.txn.pdolData !== undefined) {
      return answer(SW.conditionsNotSatisfied);
    }
    if (c.data[0] !== 0x83 || c.data.length < 2 || c.data[1]! !== c.data.length - 2)
      return answer(SW.wrongData);
    const pdolData = c.data.subarray(2);
    if (pdolData.length !== dolDataLength(this.card.pdol)) return answer(SW.wrongLength);
    this.txn.pdolData = Buffer.from(pdolData);
    for (const [tag, value] of dolValues(this.card.pdol, pdolData)) this.txn.terminal.set(tag, value);

    const ttq = this.txn.terminal.get("9F66");
    const ctls = this.profile.contactlessApplication;
    if (ctls?.mode === "quick" && this.iface !== "contact" && ttq && (ttq[0]! & 0x20) !== 0) {
      return this.quickGpo(ttq);
    }
    return answer(
      SW.ok,
      encodeTlv([
        {
          tag: "77",
          value: Buffer.alloc(0),
          children: [
            { tag: "82", value: this.card.aip },
            { tag: "94", value: this.card.afl },
          ],
        },
      ]),
    );
  }

  /**
   * qPBOC / qVSDC (JR/T 0025.12 §7, Book C-3): the GPO decides and returns the cryptogram, with the
   * fDDA signature for an offline approval (and for an online one when the reader asks for "ODA for
   * online" in TTQ byte 1 b1).
   */
  private quickGpo(ttq: Buffer): Buffer {
    const ctls = this.profile.contactlessApplication!;
    const app = this.profile.application;
    const t = this.txn.terminal;
    const atc = this.nextAtc();
    if (atc === undefined) return answer(SW.conditionsNotSatisfied);
    const amount = bcdAmount(t.get("9F02"));
    const currency = t.get("5F2A")?.toString("hex");
    const onlineRequired =
      (ttq[1]! & 0x80) !== 0 ||
      !app.offlineCapable ||
      amount > ctls.offlineLimit ||
      currency !== app.currency.padStart(4, "0");
    const offlineOnlyReader = (ttq[0]! & 0x08) !== 0;
    const type: AcType = onlineRequired ? (offlineOnlyReader ? "AAC" : "ARQC") : "TC";
    const cvr = this.txn.cvr;
    cvr.setFirstAc(type);
    cvr.setSecondAc("not-requested");
    const ac = applicationCryptogram(
      this.card.iccMasterKey,
      atc,
      cryptogramInput(t, this.card.aip, atc, cvr.bytes),
    );
    this.txn.firstAc = type;
    this.txn.completed = true;
    if (type === "ARQC") this.lastOnlineIncomplete = true;

    const ctq = Buffer.from(ctls.ctq, "hex");
    const cardAuthData = Buffer.concat([Buffer.from([0x01]), this.random(4), ctq]);
    const nodes: TlvNode[] = [
      { tag: "82", value: this.card.aip },
      { tag: "94", value: this.card.afl },
      { tag: "9F36", value: atc },
      { tag: "9F26", value: ac },
      { tag: "9F27", value: Buffer.from([CID[type]]) },
      { tag: "9F10", value: this.iad() },
      { tag: "57", value: this.card.track2 },
      { tag: "5F34", value: Buffer.from(this.profile.psn, "hex") },
      { tag: "9F6C", value: ctq },
      { tag: "9F69", value: cardAuthData },
    ];
    const odaForOnline = (ttq[0]! & 0x01) !== 0;
    if (this.card.iccKey && (type === "TC" || (type === "ARQC" && odaForOnline))) {
      const hashed = Buffer.concat([
        t.get("9F37") ?? Buffer.alloc(4),
        t.get("9F02") ?? Buffer.alloc(6),
        t.get("5F2A") ?? Buffer.alloc(2),
        cardAuthData,
      ]);
      const format = ctls.fddaFormat === "95" ? 0x95 : 0x05;
      const dynamicData = Buffer.concat([Buffer.from([0x02]), atc]);
      nodes.push({ tag: "9F4B", value: signedDynamicData(this.card.iccKey, format, dynamicData, hashed) });
    }
    return answer(SW.ok, encodeTlv([{ tag: "77", value: Buffer.alloc(0), children: nodes }]));
  }

  // --- data, PIN, authentication -----------------------------------------------------------------

  private getData(c: Command): Buffer {
    const tag = Buffer.from([c.p1, c.p2]).toString("hex").toUpperCase();
    let value: Buffer | undefined;
    if (tag === "9F36") value = this.u16(this.atcValue);
    else if (tag === "9F13") value = this.u16(this.lastOnlineAtcValue);
    else if (tag === "9F17" && this.profile.pin !== undefined) value = Buffer.from([this.pinTries]);
    else value = this.putData.get(tag);
    if (value === undefined) return answer(SW.dataNotFound);
    return answer(SW.ok, encodeTlv([{ tag, value }]));
  }

  private getChallenge(): Buffer {
    this.challenge = this.random(8);
    return answer(SW.ok, Buffer.from(this.challenge));
  }

  private verify(c: Command): Buffer {
    if (c.p1 !== 0x00 || (c.p2 !== 0x80 && c.p2 !== 0x88)) return answer(SW.wrongP1P2);
    const pin = this.profile.pin;
    if (pin === undefined || this.selected !== "app") return answer(SW.conditionsNotSatisfied);
    if (this.pinTries === 0) return answer(SW.pinBlocked);
    let block: Buffer;
    if (c.p2 === 0x80) {
      block = c.data;
    } else {
      // Offline enciphered PIN (Book 2 §7.2): 7F ‖ PIN block 8 ‖ ICC UN 8 ‖ random, under the ICC key.
      const key = this.card.iccKey;
      const challenge = this.challenge;
      this.challenge = undefined;
      if (!key) return answer(SW.functionNotSupported);
      if (!challenge || c.data.length !== Buffer.from(key.n, "base64url").length) return answer(SW.wrongData);
      let plain: Buffer;
      try {
        plain = rsaSignRaw(key, c.data);
      } catch {
        return answer(SW.wrongData);
      }
      if (plain[0] !== 0x7f || !plain.subarray(9, 17).equals(challenge)) return answer(SW.wrongData);
      block = plain.subarray(1, 9);
    }
    const expected = Buffer.from(`2${pin.length.toString(16)}${pin}`.padEnd(16, "F"), "hex");
    if (block.length !== 8 || (block[0]! & 0xf0) !== 0x20) return answer(SW.wrongData);
    const cvr = this.txn.cvr;
    cvr.set("offlinePinPerformed");
    if (timingSafeEqual(block, expected)) {
      this.pinTries = this.profile.pinTryLimit;
      cvr.set("offlinePinFailed", false);
      return answer(SW.ok);
    }
    this.pinTries--;
    cvr.set("offlinePinFailed");
    if (this.pinTries === 0) cvr.set("pinTryLimitExceeded");
    return answer(0x63c0 | this.pinTries);
  }

  private internalAuthenticate(c: Command): Buffer {
    const key = this.card.iccKey;
    const oda = this.profile.application.oda;
    if (!key || (oda !== "dda" && oda !== "cda")) return answer(SW.functionNotSupported);
    if (this.selected !== "app") return answer(SW.conditionsNotSatisfied);
    if (c.data.length === 0) return answer(SW.wrongLength);
    const dynamicData = Buffer.concat([Buffer.from([0x08]), this.random(8)]);
    this.txn.cvr.set("ddaPerformed");
    const signature = signedDynamicData(key, 0x05, dynamicData, c.data);
    return answer(SW.ok, encodeTlv([{ tag: "80", value: signature }]));
  }

  // --- GENERATE AC ---------------------------------------------------------------------------------

  private generateAc(c: Command): Buffer {
    if (c.p2 !== 0x00 || (c.p1 & 0xc0) === 0xc0 || (c.p1 & 0x2f) !== 0) return answer(SW.wrongP1P2);
    const requested: AcType = c.p1 & 0x80 ? "ARQC" : c.p1 & 0x40 ? "TC" : "AAC";
    const cdaRequested = (c.p1 & 0x10) !== 0;
    const t = this.txn;
    if (this.selected !== "app" || t.pdolData === undefined || t.completed) {
      return answer(SW.conditionsNotSatisfied);
    }
    return t.firstAc === undefined
      ? this.firstGenerateAc(c.data, requested, cdaRequested)
      : this.secondGenerateAc(c.data, requested, cdaRequested);
  }

  /** Card action analysis for the first GENERATE AC: never upgrade, CIAC-denial → AAC, CIAC-online → ARQC. */
  private firstGenerateAc(data: Buffer, requested: AcType, cda: boolean): Buffer {
    const t = this.txn;
    const app = this.profile.application;
    if (data.length !== dolDataLength(this.card.cdol1)) return answer(SW.wrongLength);
    t.cdol1Data = Buffer.from(data);
    for (const [tag, value] of dolValues(this.card.cdol1, data)) t.terminal.set(tag, value);
    const atc = this.nextAtc();
    if (atc === undefined) return answer(SW.conditionsNotSatisfied);

    const cvr = t.cvr;
    if (this.lastOnlineAtcValue === 0) cvr.set("newCard");
    if (this.lastOnlineIncomplete) cvr.set("lastOnlineNotCompleted");
    if (this.lastIssuerAuthFailed) cvr.set("issuerAuthenticationFailedLastOnline");
    if (this.pinTries === 0 && this.profile.pin !== undefined) cvr.set("pinTryLimitExceeded");
    cvr.setScriptCount(this.scriptCommands);

    let type: AcType = requested;
    if (this.appBlocked || cvr.matches(Buffer.from(app.ciac.denial, "hex"))) type = "AAC";
    else if (
      requested === "TC" &&
      (!app.offlineCapable || cvr.matches(Buffer.from(app.ciac.online, "hex")))
    ) {
      type = "ARQC";
    }
    cvr.setFirstAc(type);
    cvr.setSecondAc("not-requested");
    t.firstAc = type;
    if (type === "ARQC") this.lastOnlineIncomplete = true;
    else t.completed = true;
    const ac = applicationCryptogram(
      this.card.iccMasterKey,
      atc,
      cryptogramInput(t.terminal, this.card.aip, atc, cvr.bytes),
    );
    if (type === "ARQC") t.arqc = ac;
    return this.acResponse(type, atc, ac, cda, [t.pdolData!, data]);
  }

  /** Completion: ARC and issuer authentication decide TC or AAC; unable-to-go-online uses CIAC-default. */
  private secondGenerateAc(data: Buffer, requested: AcType, cda: boolean): Buffer {
    const t = this.txn;
    const app = this.profile.application;
    if (t.firstAc !== "ARQC" || requested === "ARQC") return answer(SW.conditionsNotSatisfied);
    if (data.length !== dolDataLength(this.card.cdol2)) return answer(SW.wrongLength);
    const values = dolValues(this.card.cdol2, data);
    for (const [tag, value] of values) if (tag !== "91") t.terminal.set(tag, value);
    const atc = this.u16(this.atcValue);
    const cvr = t.cvr;
    const arc = (values.get("8A") ?? Buffer.alloc(2)).toString("hex").toUpperCase();

    const issuerData = values.get("91");
    if (t.issuerAuth === "none" && issuerData && issuerData.some((b) => b !== 0)) this.checkArpc(issuerData);
    const unableOnline = UNABLE_ONLINE_ARC.has(arc);
    let type: AcType;
    if (unableOnline) {
      cvr.set("unableToGoOnline");
      type =
        requested === "TC" && app.offlineCapable && !cvr.matches(Buffer.from(app.ciac.default, "hex"))
          ? "TC"
          : "AAC";
    } else {
      this.lastOnlineIncomplete = false;
      if (t.issuerAuth === "none") cvr.set("issuerAuthenticationNotPerformed");
      const authOk =
        t.issuerAuth === "ok" || (t.issuerAuth === "none" && app.issuerAuthentication === "optional");
      this.lastIssuerAuthFailed = t.issuerAuth === "failed";
      type = requested === "TC" && APPROVED_ARC.has(arc) && authOk ? "TC" : "AAC";
      if (APPROVED_ARC.has(arc) && t.issuerAuth === "ok") this.lastOnlineAtcValue = this.atcValue;
    }
    if (this.appBlocked) type = "AAC";
    cvr.setScriptCount(this.scriptCommands);
    cvr.setSecondAc(type);
    t.completed = true;
    const ac = applicationCryptogram(
      this.card.iccMasterKey,
      atc,
      cryptogramInput(t.terminal, this.card.aip, atc, cvr.bytes),
    );
    return this.acResponse(type, atc, ac, cda, [t.pdolData!, t.cdol1Data!, data]);
  }

  /**
   * GENERATE AC answer: format 2 77{9F27, 9F36, 9F26, 9F10}; with CDA (requested, personalised, not an
   * AAC) the cryptogram travels inside 9F4B (Book 2 §6.6) and the hash covers the transaction data.
   */
  private acResponse(
    type: AcType,
    atc: Buffer,
    ac: Buffer,
    cdaRequested: boolean,
    dolData: Buffer[],
  ): Buffer {
    const cid = Buffer.from([CID[type]]);
    const iad = this.iad();
    const key = this.card.iccKey;
    if (cdaRequested && type !== "AAC" && key && this.profile.application.oda === "cda") {
      const plain: TlvNode[] = [
        { tag: "9F27", value: cid },
        { tag: "9F36", value: atc },
        { tag: "9F10", value: iad },
      ];
      const tdhc = createHash("sha1")
        .update(Buffer.concat([...dolData, encodeTlv(plain)]))
        .digest();
      const idn = this.random(8);
      const dynamicData = Buffer.concat([Buffer.from([idn.length]), idn, cid, ac, tdhc]);
      const un = this.txn.terminal.get("9F37") ?? Buffer.alloc(4);
      const signature = signedDynamicData(key, 0x05, dynamicData, un);
      return answer(
        SW.ok,
        encodeTlv([
          { tag: "77", value: Buffer.alloc(0), children: [...plain, { tag: "9F4B", value: signature }] },
        ]),
      );
    }
    return answer(
      SW.ok,
      encodeTlv([
        {
          tag: "77",
          value: Buffer.alloc(0),
          children: [
            { tag: "9F27", value: cid },
            { tag: "9F36", value: atc },
            { tag: "9F26", value: ac },
            { tag: "9F10", value: iad },
          ],
        },
      ]),
    );
  }

  // --- issuer authentication and scripts -----------------------------------------------------------

  private externalAuthenticate(c: Command): Buffer {
    const t = this.txn;
    if (t.firstAc !== "ARQC" || t.completed || t.issuerAuth !== "none")
      return answer(SW.conditionsNotSatisfied);
    if (c.data.length < 8 || c.data.length > 16) return answer(SW.wrongLength);
    return this.checkArpc(c.data) ? answer(SW.ok) : answer(SW.authFailed);
  }

  /** Issuer authentication data 91 = ARPC (8) ‖ ARC (2), method 1. */
  private checkArpc(issuerData: Buffer): boolean {
    const t = this.txn;
    const ok =
      issuerData.length === 10 &&
      t.arqc !== undefined &&
      arpcValid(
        this.card.iccMasterKey,
        this.profile.issuer.arpcKey,
        this.u16(this.atcValue),
        t.arqc,
        issuerData.subarray(8, 10),
        issuerData.subarray(0, 8),
      );
    t.issuerAuth = ok ? "ok" : "failed";
    if (!ok) t.cvr.set("issuerAuthenticationFailed");
    return ok;
  }

  /**
   * Issuer script commands (CLA 84, Book 3 §10.10): PIN unblock (24), application block (1E) and
   * unblock (18), card block (16), PUT DATA (DA), UPDATE RECORD (DC). The secure-messaging MAC (last 8
   * bytes of the data) is not checked: the host simulator's test scripts carry fixed MACs.
   */
  private issuerScriptCommand(c: Command): Buffer {
    if (this.selected !== "app") return answer(SW.conditionsNotSatisfied);
    if (c.data.length < 8) return answer(SW.securityNotSatisfied);
    const body = c.data.subarray(0, c.data.length - 8);
    let sw: number = SW.ok;
    switch (c.ins) {
      case 0x24:
        if (this.profile.pin === undefined) sw = SW.functionNotSupported;
        else this.pinTries = this.profile.pinTryLimit;
        break;
      case 0x1e:
        this.appBlocked = true;
        break;
      case 0x18:
        this.appBlocked = false;
        break;
      case 0x16:
        this.cardBlocked = true;
        break;
      case 0xda:
        this.putData.set(Buffer.from([c.p1, c.p2]).toString("hex").toUpperCase(), Buffer.from(body));
        break;
      case 0xdc: {
        const key = `${c.p2 >> 3}:${c.p1}`;
        if ((c.p2 & 0x07) !== 0x04 || !this.card.records.has(key)) sw = SW.recordNotFound;
        else if (body[0] !== 0x70) sw = SW.wrongData;
        else this.card.records.set(key, Buffer.from(body));
        break;
      }
      default:
        sw = SW.insNotSupported;
    }
    this.scriptCommands++;
    if (sw !== SW.ok) this.txn.cvr.set("issuerScriptFailed");
    return answer(sw);
  }

  // --- helpers -------------------------------------------------------------------------------------

  private nextAtc(): Buffer | undefined {
    if (this.atcValue >= 0xffff) return undefined;
    this.atcValue++;
    return this.u16(this.atcValue);
  }

  private u16(value: number): Buffer {
    const out = Buffer.alloc(2);
    out.writeUInt16BE(value);
    return out;
  }

  private iad(): Buffer {
    const app = this.profile.application;
    return issuerApplicationData(
      Buffer.from(app.dki, "hex"),
      Buffer.from(app.cvn, "hex"),
      this.txn.cvr.bytes,
    );
  }
}
