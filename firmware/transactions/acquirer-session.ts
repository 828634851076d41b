import type { PinPad } from "../../drivers/pinpad/index.js";
import { splitSignInKeys } from "../../protocol/crypto/working-keys.js";
import { buildSignIn, buildSignOut } from "../../protocol/iso8583/cup/builders.js";
import { ProcessingRequirement } from "../../protocol/iso8583/cup/header.js";
import { macInput, macOf, packWithMac } from "../../protocol/iso8583/cup/mac.js";
import { cupSpec } from "../../protocol/iso8583/cup/spec.js";
import { responseMtiOf } from "../../protocol/iso8583/cup/transactions.js";
import { pack } from "../../protocol/iso8583/message.js";
import type { Iso8583Message } from "../../protocol/iso8583/spec.js";
import { parseField60 } from "../../protocol/iso8583/subfields/field60.js";
import type { Journal } from "../journal/index.js";
import type { KeyStore } from "../keys/key-store.js";
import type { AcquirerPort } from "./acquirer-port.js";
import { type HostReply, readHostReply } from "./host-reply.js";
import { TransactionError } from "./transaction-error.js";

export interface TerminalIdentity {
  terminalId: string;
  merchantId: string;
  operator: string;
}

/** Minimal structured logger (pino fits). Callers never pass keys, PIN blocks, tracks or a clear PAN. */
export interface FlowLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface SessionOptions {
  link: AcquirerPort;
  keys: KeyStore;
  journal: Journal;
  identity: TerminalIdentity;
  log: FlowLogger;
  /** The PIN pad gets the PIK (still under the TMK) after each sign-in; the PIN is enciphered there. */
  pinpad?: PinPad;
  /** Sign-in key layout (60.3): 004 also brings the TDK for track and stored-PAN encryption. */
  keyLayout?: "003" | "004";
}

export interface MacExchange {
  request: Iso8583Message;
  response: Iso8583Message;
  reply: HostReply;
  /** Field 64 verified under the MAK; undefined when the response carried none. */
  macValid: boolean | undefined;
}

/**
 * The terminal's side of a conversation with the acquirer: sign-in (working keys into the key store and
 * the PIK into the PIN pad, batch from 60.2), sign-out, and MAC'd exchanges whose responses are
 * MAC-checked. Remembers when the host asked for a new sign-in (response codes A0/99/77/22 or the
 * header's 处理要求 = 3), so the next flow signs in first.
 */
export class AcquirerSession {
  reSignInRequired = false;
  /** The last header instruction other than none/re-sign-in (parameter or CAPK download), for the app. */
  pendingRequirement: number | undefined;

  constructor(private readonly options: SessionOptions) {}

  get identity(): TerminalIdentity {
    return this.options.identity;
  }

  get signedIn(): boolean {
    return !this.reSignInRequired && this.options.keys.has("mak") && this.options.keys.has("pik");
  }

  async signIn(signal?: AbortSignal): Promise<{ batch: string }> {
    const { journal, keys, identity, link, log } = this.options;
    const stan = journal.nextStan();
    const request = buildSignIn({
      ...identity,
      stan,
      batch: journal.batch(),
      keyLayout: this.options.keyLayout ?? "004",
    });
    const { message, header } = await link.exchange(
      pack(cupSpec, request),
      { mti: "0810", stan, terminalId: identity.terminalId },
      signal,
    );
    const reply = readHostReply(message);
    if (!reply.approved) {
      log.warn({ code: reply.code }, "sign-in refused");
      throw new TransactionError("refused", `签到失败 ${reply.info.zh}`, `Sign-in refused: ${reply.info.en}`);
    }
    const field62 = message.fields[62];
    if (!field62)
      throw new TransactionError("no-keys", "签到应答无工作密钥", "Sign-in reply carries no keys");
    const keyField = Buffer.from(field62, "hex");
    try {
      keys.installSignInKeys(keyField);
      const pik = splitSignInKeys(keyField).keys.find((k) => k.name === "pik");
      if (this.options.pinpad && pik) {
        await this.options.pinpad.open();
        await this.options.pinpad.loadWorkingKey({
          slot: 0,
          usage: "pin",
          ciphertext: pik.ciphertext,
          kcv: pik.checkValue,
        });
      }
    } finally {
      keyField.fill(0);
    }
    const batch =
      (message.fields[60] ? parseField60(message.fields[60]).batch : undefined) ?? journal.batch();
    journal.setBatch(batch);
    this.reSignInRequired = false;
    this.noteHeader(header.processingRequirement);
    log.info({ batch, keys: keys.status().map((s) => `${s.slot}:${s.kcv}`) }, "signed in");
    return { batch };
  }

  async signOut(signal?: AbortSignal): Promise<HostReply> {
    const { journal, keys, identity, link } = this.options;
    const stan = journal.nextStan();
    const request = buildSignOut({ ...identity, stan, batch: journal.batch() });
    const { message } = await link.exchange(
      pack(cupSpec, request),
      { mti: "0830", stan, terminalId: identity.terminalId },
      signal,
    );
    keys.dropWorkingKeys();
    return readHostReply(message);
  }

  /** The request packed with its MAC under the MAK: a bad field fails here, before anything is journalled or sent. */
  seal(request: Iso8583Message): Buffer {
    return packWithMac(request, (mab) => this.options.keys.macUnionPayEcb(mab));
  }

  /** Sends (sealing first unless `sealed` is given), verifies the response MAC. Link errors propagate as they are. */
  async exchange(request: Iso8583Message, signal?: AbortSignal, sealed?: Buffer): Promise<MacExchange> {
    const { keys, link, identity } = this.options;
    const body = sealed ?? this.seal(request);
    const stan = request.fields[11] ?? "";
    const {
      message,
      body: responseBody,
      header,
    } = await link.exchange(
      body,
      { mti: responseMtiOf(request.mti), stan, terminalId: identity.terminalId },
      signal,
    );
    const reply = readHostReply(message);
    const field64 = macOf(responseBody);
    const macValid = field64 ? keys.verifyMacUnionPayEcb(macInput(responseBody), field64) : undefined;
    if (reply.info.reSignIn) this.reSignInRequired = true;
    this.noteHeader(header.processingRequirement);
    return { request, response: message, reply, macValid };
  }

  /** An unMAC'd 08xx query (D0 funds, firmware/instant-settlement): sent as built, answer read as is. */
  async query(
    request: Iso8583Message,
    signal?: AbortSignal,
  ): Promise<{ response: Iso8583Message; reply: HostReply }> {
    const { link, identity } = this.options;
    const stan = request.fields[11] ?? "";
    const { message, header } = await link.exchange(
      pack(cupSpec, request),
      { mti: responseMtiOf(request.mti), stan, terminalId: identity.terminalId },
      signal,
    );
    const reply = readHostReply(message);
    if (reply.info.reSignIn) this.reSignInRequired = true;
    this.noteHeader(header.processingRequirement);
    return { response: message, reply };
  }

  private noteHeader(requirement: number): void {
    if (requirement === ProcessingRequirement.ReSignIn) this.reSignInRequired = true;
    else if (requirement !== ProcessingRequirement.None) this.pendingRequirement = requirement;
  }
}
