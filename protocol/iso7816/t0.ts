import { type ApduResponse, type CommandApdu, parseCommandApdu, splitResponse } from "./apdu.js";
import { T0Error } from "./iso7816-error.js";

/**
 * The host's half of T=0 when the reader works at TPDU level (openemv/emv-utils src/emv_ttl.c
 * `emv_ttl_trx`; EMV Book 1 Annex A): the reader handles procedure bytes 60/INS/INS^FF with the card,
 * the host turns the APDU into TPDUs and follows the status words:
 * - case 1: P3 = 00; case 2: P3 = Le (00 for 256); case 3 and 4: header + Lc + data (Le is not sent);
 * - 61xx: GET RESPONSE `00 C0 00 00 xx`, data gathered across the chain;
 * - 6Cxx: the same header again with P3 = xx;
 * - case 4 answered with a warning (62xx/63xx) and no data: GET RESPONSE Le = 00, and the *first* SW is
 *   the one reported (EMV Annex A7).
 * Pure: `first()` gives the first TPDU, each response gives the next TPDU or the final response.
 */
export type T0Step = { type: "send"; tpdu: Buffer } | { type: "done"; response: ApduResponse };

export interface T0ExchangeOptions {
  /** CLA of GET RESPONSE (EMV: 00). */
  getResponseCla?: number;
  /** Bound on 61xx/6Cxx rounds, so a looping card cannot hold the reader forever. */
  maxRounds?: number;
}

export function toT0Tpdu(apdu: CommandApdu): Buffer {
  const head = [apdu.cla, apdu.ins, apdu.p1, apdu.p2];
  if (apdu.data && apdu.data.length > 0) {
    return Buffer.concat([Buffer.from([...head, apdu.data.length]), apdu.data]);
  }
  return Buffer.from([...head, apdu.le === undefined ? 0 : apdu.le & 0xff]);
}

export class T0Exchange {
  private readonly command: CommandApdu & { case: 1 | 2 | 3 | 4 };
  private readonly chunks: Buffer[] = [];
  private readonly getResponseCla: number;
  private readonly maxRounds: number;
  private lastTpdu: Buffer;
  private firstWarning: number | undefined;
  private rounds = 0;
  private answered = false;

  constructor(apdu: Uint8Array | CommandApdu, options: T0ExchangeOptions = {}) {
    this.command = apdu instanceof Uint8Array ? parseCommandApdu(apdu) : { ...apdu, case: caseOf(apdu) };
    this.getResponseCla = options.getResponseCla ?? 0x00;
    this.maxRounds = options.maxRounds ?? 64;
    this.lastTpdu = toT0Tpdu(this.command);
  }

  first(): Buffer {
    return Buffer.from(this.lastTpdu);
  }

  onResponse(raw: Uint8Array): T0Step {
    const response = splitResponse(raw);
    if (++this.rounds > this.maxRounds) {
      throw new T0Error(`no final status after ${this.maxRounds} exchanges`, { path: "T=0 exchange" });
    }
    const sw1 = response.sw >> 8;
    const sw2 = response.sw & 0xff;
    if (sw1 === 0x6c) {
      if (this.lastTpdu.length > 5) {
        throw new T0Error("6Cxx in answer to a command carrying data", {
          path: "SW1",
          offset: raw.length - 2,
        });
      }
      this.lastTpdu = Buffer.from(this.lastTpdu);
      this.lastTpdu[4] = sw2;
      return this.send(this.lastTpdu);
    }
    if (response.data.length > 0) this.chunks.push(response.data);
    if (sw1 === 0x61) {
      // ISO allows 61xx only for cases 2/4; some cards answer it to case 1/3 too, so follow it regardless.
      return this.send(this.getResponse(sw2));
    }
    const warning = sw1 === 0x62 || sw1 === 0x63;
    if (warning && !this.answered && this.command.case === 4 && response.data.length === 0) {
      this.firstWarning = response.sw;
      return this.send(this.getResponse(0));
    }
    if (this.firstWarning !== undefined && response.sw !== 0x9000) {
      // The card had nothing behind its warning after all: the warning stands, without data.
      for (const chunk of this.chunks) chunk.fill(0);
      return { type: "done", response: { data: Buffer.alloc(0), sw: this.firstWarning } };
    }
    const sw = this.firstWarning ?? response.sw;
    const data = Buffer.concat(this.chunks);
    for (const chunk of this.chunks) chunk.fill(0);
    return { type: "done", response: { data, sw } };
  }

  private getResponse(le: number): Buffer {
    return Buffer.from([this.getResponseCla, 0xc0, 0x00, 0x00, le]);
  }

  private send(tpdu: Buffer): T0Step {
    this.answered = true;
    this.lastTpdu = tpdu;
    return { type: "send", tpdu: Buffer.from(tpdu) };
  }
}

function caseOf(apdu: CommandApdu): 1 | 2 | 3 | 4 {
  const hasData = apdu.data !== undefined && apdu.data.length > 0;
  return hasData ? (apdu.le !== undefined ? 4 : 3) : apdu.le !== undefined ? 2 : 1;
}
