import { joinResponse, splitResponse } from "../../../../protocol/iso7816/index.js";
import type { VirtualCard } from "../../virtual-card.js";

/**
 * A T=0 card seen through a TPDU-level reader: it receives TPDUs and answers the way T=0 cards do
 * (ISO 7816-3 §10, EMV Book 1 Annex A): response data is held back behind 61xx (in chunks of at most
 * `getResponseChunk`, to exercise 61xx chains) and released by GET RESPONSE; a wrong P3 gets 6Cxx; a case 4
 * command with a warning keeps its data for a GET RESPONSE. Procedure bytes (60, INS, INS^FF) stay between
 * reader and card; the host only sees time extensions, which the reader emulator injects.
 */
export class T0CardAdapter {
  private pending: Buffer | undefined;
  private pendingSw = 0x9000;
  private cached: { header: string; response: Buffer } | undefined;

  constructor(
    private readonly card: VirtualCard,
    private readonly getResponseChunk = 256,
  ) {}

  handle(tpdu: Buffer): Buffer {
    if (tpdu.length < 5) return sw(0x6700);
    const p3 = tpdu[4]!;
    if (tpdu.length > 5) {
      if (tpdu.length !== 5 + p3) return sw(0x6700);
      this.pending = undefined;
      const response = splitResponse(this.card.transmit(tpdu));
      if (response.data.length === 0) return sw(response.sw);
      const sw1 = response.sw >> 8;
      if (response.sw === 0x9000) {
        this.pending = response.data;
        this.pendingSw = 0x9000;
        return sw(0x6100 | (Math.min(response.data.length, this.getResponseChunk) & 0xff));
      }
      if (sw1 === 0x62 || sw1 === 0x63) {
        this.pending = response.data;
        this.pendingSw = 0x9000;
      }
      return sw(response.sw);
    }
    if (tpdu[1] === 0xc0) return this.pending ? this.getResponse(p3 === 0 ? 256 : p3) : sw(0x6985);
    this.pending = undefined;
    const header = tpdu.subarray(0, 4).toString("hex");
    const response =
      this.cached?.header === header
        ? this.cached.response
        : this.card.transmit(p3 === 0 ? Buffer.from(tpdu.subarray(0, 4)) : tpdu);
    this.cached = undefined;
    const split = splitResponse(response);
    const wanted = p3 === 0 ? 256 : p3;
    if (split.data.length === 0 || split.data.length === wanted) return response;
    this.cached = { header, response };
    return sw(0x6c00 | (split.data.length & 0xff));
  }

  private getResponse(le: number): Buffer {
    const pending = this.pending!;
    if (le > pending.length) return sw(0x6c00 | (pending.length & 0xff));
    const chunk = pending.subarray(0, le);
    const rest = pending.subarray(le);
    if (rest.length === 0) {
      this.pending = undefined;
      return joinResponse({ data: Buffer.from(chunk), sw: this.pendingSw });
    }
    this.pending = Buffer.from(rest);
    return joinResponse({
      data: Buffer.from(chunk),
      sw: 0x6100 | (Math.min(rest.length, this.getResponseChunk) & 0xff),
    });
  }
}

function sw(value: number): Buffer {
  return Buffer.from([value >> 8, value & 0xff]);
}
