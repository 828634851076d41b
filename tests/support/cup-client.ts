import { connect as netConnect, type Socket } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import { tdesEcbEncrypt } from "../../protocol/crypto/cipher.js";
import {
  deriveAcSessionKey,
  deriveIccMasterKey,
  generateApplicationCryptogram,
} from "../../protocol/crypto/emv/index.js";
import { macAnsiX919 } from "../../protocol/crypto/mac.js";
import { unionPayEcbMac, verifyUnionPayEcbMac } from "../../protocol/crypto/mac-unionpay-ecb.js";
import { encryptPinBlock } from "../../protocol/crypto/pinblock/index.js";
import {
  splitSignInKeys,
  unwrapWorkingKeys,
  type WorkingKeyName,
} from "../../protocol/crypto/working-keys.js";
import { buildField55, FIELD55_REQUEST } from "../../protocol/emv/index.js";
import { LengthPrefixDecoder } from "../../protocol/framing/length-prefix.js";
import { fromHex } from "../../protocol/hex.js";
import { buildSignIn } from "../../protocol/iso8583/cup/builders.js";
import {
  type CupFrame,
  frameMessage,
  MESSAGE_OFFSET,
  unpackFrame,
} from "../../protocol/iso8583/cup/frame.js";
import type { CupHeader } from "../../protocol/iso8583/cup/header.js";
import { macInput, macOf, packWithMac } from "../../protocol/iso8583/cup/mac.js";
import { cupSpec } from "../../protocol/iso8583/cup/spec.js";
import type { Tpdu } from "../../protocol/iso8583/cup/tpdu.js";
import { pack } from "../../protocol/iso8583/message.js";
import type { Iso8583Message } from "../../protocol/iso8583/spec.js";
import { parseField60 } from "../../protocol/iso8583/subfields/field60.js";
import { encryptTrackDigits } from "../../protocol/track/index.js";
import {
  DEFAULT_MERCHANT_ID,
  DEFAULT_TERMINAL_ID,
  DEFAULT_TMK_HEX,
} from "../../tools/host-sim/default-cards.js";
import { arqcInput } from "../../tools/host-sim/emv-issuer.js";

/**
 * A small terminal-side client for driving the host simulator over real TCP: signs in, unwraps the
 * working keys with protocol/crypto/working-keys.ts, MACs requests (packWithMac + unionPayEcbMac),
 * builds PIN blocks (encryptPinBlock) and field 55 with a real ARQC. One request in flight at a time.
 */
export interface CupClientOptions {
  host: string;
  port: number;
  /** TLS connection options (ca, cert, key…); plain TCP when absent. */
  tls?: ConnectionOptions;
  terminalId?: string;
  merchantId?: string;
  tmk?: Buffer;
  mac?: "pos-ecb" | "x9.19";
  tpdu?: Tpdu;
  header?: CupHeader;
}

export interface CupReply {
  frame: CupFrame;
  message: Iso8583Message;
  raw: Buffer;
  /** undefined when the response carries no field 64. */
  macValid: boolean | undefined;
}

export const TEST_TPDU: Tpdu = { destination: "0003", source: "0000" };
export const TEST_HEADER: CupHeader = {
  applicationType: "60",
  specVersion: "31",
  terminalStatus: 0,
  processingRequirement: 0,
  softwareVersion: "000000",
};

export class CupClient {
  readonly terminalId: string;
  readonly merchantId: string;
  batch = "000000";
  keys = new Map<WorkingKeyName, Buffer>();
  private stan = 0;
  private readonly decoder = new LengthPrefixDecoder();
  private readonly frames: Buffer[] = [];
  private waiter: ((frame: Buffer | undefined) => void) | undefined;
  private closedFlag = false;
  private readonly closeWaiters: (() => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly options: CupClientOptions,
  ) {
    this.terminalId = options.terminalId ?? DEFAULT_TERMINAL_ID;
    this.merchantId = options.merchantId ?? DEFAULT_MERCHANT_ID;
    socket.on("data", (chunk: Buffer) => {
      let bodies: Buffer[];
      try {
        bodies = this.decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const body of bodies) {
        const frame = Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body]);
        this.frames.push(frame);
      }
      this.wake();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closedFlag = true;
      this.wake();
      for (const w of this.closeWaiters.splice(0)) w();
    });
  }

  static connect(options: CupClientOptions): Promise<CupClient> {
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? tlsConnect({ host: options.host, port: options.port, ...options.tls }, () => done())
        : netConnect({ host: options.host, port: options.port }, () => done());
      const done = () => {
        socket.off("error", reject);
        socket.setNoDelay(true);
        resolve(new CupClient(socket, options));
      };
      socket.once("error", reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The next STAN, 000001.. (wraps like a terminal's). */
  nextStan(): string {
    this.stan = (this.stan % 999_999) + 1;
    return String(this.stan).padStart(6, "0");
  }

  setStan(value: number): void {
    this.stan = value;
  }

  private wake(): void {
    const w = this.waiter;
    if (!w) return;
    if (this.frames.length > 0) {
      this.waiter = undefined;
      w(this.frames.shift());
    } else if (this.closedFlag) {
      this.waiter = undefined;
      w(undefined);
    }
  }

  /** The next frame from the host, or undefined on close / timeout. */
  receive(timeoutMs = 2000): Promise<Buffer | undefined> {
    if (this.frames.length > 0) return Promise.resolve(this.frames.shift());
    if (this.closedFlag) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiter = (frame) => {
        clearTimeout(timer);
        resolve(frame);
      };
    });
  }

  waitClosed(timeoutMs = 2000): Promise<boolean> {
    if (this.closedFlag) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  macFunction(): (mab: Buffer) => Buffer {
    const mak = this.keys.get("mak");
    if (!mak) throw new Error("no MAK: sign in first");
    if (this.options.mac === "x9.19") {
      return (mab) => macAnsiX919(mak.length === 16 ? mak : Buffer.concat([mak, mak]), mab);
    }
    return (mab) => unionPayEcbMac(mak, mab);
  }

  /** Frame bytes for a message: length, TPDU, header, message (field 64 added when `mac`). */
  frame(message: Iso8583Message, mac: boolean): Buffer {
    const body = mac ? packWithMac(message, this.macFunction()) : pack(cupSpec, message);
    return frameMessage(this.options.tpdu ?? TEST_TPDU, this.options.header ?? TEST_HEADER, body);
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends and waits for the answer. MAC by default for 01xx/02xx/04xx requests. */
  async request(
    message: Iso8583Message,
    options: { mac?: boolean; timeoutMs?: number } = {},
  ): Promise<CupReply | undefined> {
    const mac = options.mac ?? /^0[124]/.test(message.mti);
    this.sendRaw(this.frame(message, mac));
    const raw = await this.receive(options.timeoutMs ?? 3000);
    return raw === undefined ? undefined : this.parse(raw);
  }

  parse(raw: Buffer): CupReply {
    const frame = unpackFrame(raw);
    const body = raw.subarray(MESSAGE_OFFSET);
    const field64 = macOf(body);
    let macValid: boolean | undefined;
    if (field64) {
      const mak = this.keys.get("mak");
      if (!mak) macValid = false;
      else if (this.options.mac === "x9.19") macValid = this.macFunction()(macInput(body)).equals(field64);
      else macValid = verifyUnionPayEcbMac(mak, macInput(body), field64);
    }
    return { frame, message: frame.message, raw, macValid };
  }

  /** 0800 sign-in: unwraps and checks the working keys, adopts the batch from 60.2. */
  async signIn(layout: "001" | "003" | "004" = "003"): Promise<CupReply> {
    const reply = await this.request(
      buildSignIn({
        terminalId: this.terminalId,
        merchantId: this.merchantId,
        stan: this.nextStan(),
        batch: this.batch,
        operator: "01 ",
        keyLayout: layout,
      }),
      { mac: false },
    );
    if (!reply) throw new Error("no answer to sign-in");
    const f = reply.message.fields;
    if (f[39] !== "00") return reply;
    const tmk = this.options.tmk ?? fromHex(DEFAULT_TMK_HEX, "tmk");
    const { keys } = splitSignInKeys(Buffer.from(f[62]!, "hex"));
    for (const k of this.keys.values()) k.fill(0);
    this.keys = unwrapWorkingKeys(tmk, keys);
    this.batch = parseField60(f[60]!).batch!;
    return reply;
  }

  /** Field 35/36 text with its TDK block enciphered (needs a 004 sign-in; send with 53.3 = "1"). */
  encryptTrack(track: string): string {
    const tdk = this.keys.get("tdk");
    if (!tdk) throw new Error("no TDK: sign in with layout 004 first");
    return encryptTrackDigits(track, (block) => tdesEcbEncrypt(tdk, block));
  }

  /** Field 52 for a PIN (ISO format 0 under the PIK). */
  pinBlock(pan: string, pin: string): Buffer {
    const pik = this.keys.get("pik");
    if (!pik) throw new Error("no PIK: sign in first");
    const clear = Buffer.from(pin, "ascii");
    try {
      return encryptPinBlock(pik, clear, { format: 0, pan });
    } finally {
      clear.fill(0);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The card side of an online EMV transaction: field 55 with a genuine ARQC under the card's IMK-AC. */
export interface IccRequest {
  pan: string;
  psn: string;
  imkAc: Buffer;
  amount: number;
  atc?: number;
  unpredictableNumber?: Buffer;
  /** Corrupt the cryptogram (ARQC failure tests). */
  corrupt?: boolean;
}

export function iccData(r: IccRequest): {
  field55: Buffer;
  arqc: Buffer;
  sessionKey: Buffer;
  iccMasterKey: Buffer;
} {
  const atc = Buffer.alloc(2);
  atc.writeUInt16BE(r.atc ?? 1);
  const values = new Map<string, Buffer>([
    ["9F02", Buffer.from(String(r.amount).padStart(12, "0"), "hex")],
    ["9F03", Buffer.alloc(6)],
    ["9F1A", Buffer.from("0156", "hex")],
    ["95", Buffer.from("0000000000", "hex")],
    ["5F2A", Buffer.from("0156", "hex")],
    ["9A", Buffer.from("250101", "hex")],
    ["9C", Buffer.from("00", "hex")],
    ["9F37", r.unpredictableNumber ?? Buffer.from("11223344", "hex")],
    ["82", Buffer.from("7C00", "hex")],
    ["9F36", atc],
    ["9F10", Buffer.from("07010103A00000010A01000000000000000000", "hex")],
  ]);
  const mk = deriveIccMasterKey(r.imkAc, r.pan, r.psn);
  const sk = deriveAcSessionKey(mk, atc);
  const arqc = generateApplicationCryptogram(sk, arqcInput(values)!, 2);
  if (r.corrupt) arqc[0]! ^= 0xff;
  values.set("9F26", arqc);
  values.set("9F27", Buffer.from("80", "hex"));
  // The dialect's request set, in its order, with the tags this client has.
  const field55 = buildField55({ ...FIELD55_REQUEST, mandatory: [] }, values);
  return { field55, arqc, sessionKey: sk, iccMasterKey: mk };
}
