import { expect } from "vitest";
import type { ApduChannel } from "../../../../../firmware/emv/shared/apdu-channel.js";

export interface TraceStep {
  c: string;
  r: string;
}

/**
 * Strict replay of an emv-utils APDU trace (tests/emv_cardreader_emul.c exits on any unexpected
 * command). The trace is at T=0 TPDU level, so this channel plays the reader driver's part: 61xx ⇒
 * GET RESPONSE, 6Cxx ⇒ resend with Le, a case-4 warning (62xx/63xx) without data ⇒ GET RESPONSE with
 * Le 00, reporting the first warning SW with the data (EMV Book 1 Annex A).
 */
export class ReplayChannel implements ApduChannel {
  private index = 0;

  constructor(private readonly steps: readonly TraceStep[]) {}

  private next(command: Buffer): { data: Buffer; sw: number } {
    const step = this.steps[this.index];
    expect(step, `unexpected extra command ${command.toString("hex").toUpperCase()}`).toBeDefined();
    expect(command.toString("hex").toUpperCase(), `command ${this.index + 1}`).toBe(step!.c.toUpperCase());
    this.index += 1;
    const raw = Buffer.from(step!.r, "hex");
    return { data: raw.subarray(0, -2), sw: raw.readUInt16BE(raw.length - 2) };
  }

  async transmit(apdu: Buffer): Promise<{ data: Buffer; sw: number }> {
    const isCase4 = apdu.length > 5 && apdu.length === 5 + apdu[4]! + 1;
    let response = this.next(apdu);
    let warning: number | undefined;
    let last = apdu;
    for (let rounds = 0; rounds < 8; rounds++) {
      const sw1 = response.sw >> 8;
      if (sw1 === 0x61) {
        last = Buffer.from([0x00, 0xc0, 0x00, 0x00, response.sw & 0xff]);
        response = this.next(last);
      } else if (sw1 === 0x6c) {
        last = Buffer.concat([last.subarray(0, 4), Buffer.from([response.sw & 0xff])]);
        response = this.next(last);
      } else if (
        (sw1 === 0x62 || sw1 === 0x63) &&
        isCase4 &&
        response.data.length === 0 &&
        warning === undefined
      ) {
        warning = response.sw;
        last = Buffer.from([0x00, 0xc0, 0x00, 0x00, 0x00]);
        response = this.next(last);
      } else {
        break;
      }
    }
    return {
      data: response.data,
      sw: warning !== undefined && response.sw === 0x9000 ? warning : response.sw,
    };
  }

  /** Every trace step was used. */
  assertDone(): void {
    expect(this.index, "trace steps consumed").toBe(this.steps.length);
  }
}
