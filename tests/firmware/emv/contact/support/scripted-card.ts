import type { ApduChannel } from "../../../../../firmware/emv/shared/apdu-channel.js";
import { encodeTlv, type TlvNode } from "../../../../../protocol/tlv/index.js";

/** Hex → Buffer for test data. */
export const h = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ""), "hex");

export const tlv = (tag: string, value: Buffer | string | TlvNode[]): TlvNode =>
  Array.isArray(value)
    ? { tag, value: Buffer.alloc(0), children: value }
    : { tag, value: typeof value === "string" ? h(value) : value };

export type Answer = { data?: Buffer; sw?: number } | "mute";

/**
 * A card built from known data for kernel tests: one UnionPay debit application, answered by command
 * type. Every field is a plain property so a test can change one thing (a date, the AUC, the CVM list,
 * the GENERATE AC answer) and assert the one TVR/TSI bit that follows.
 */
export class ScriptedCard implements ApduChannel {
  readonly commands: string[] = [];
  aid = h("A000000333010101");
  pse = true;
  /** Tags of the application's records (one 70 record in SFI 2 unless `records` is set; SFI 1 is the PSE). */
  data: Record<string, string> = {
    "5A": "6228480000000000017F",
    "5F24": "301231",
    "5F25": "200101",
    "5F28": "0156",
    "5F34": "01",
    "57": "6228480000000000017D30122010000000000F",
    "8C": "9F02069F03069F1A0295055F2A029A039C019F3704",
    "8D": "8A0291089505",
    "8E": "00000000000000001F03",
    "9F07": "FF00",
    "9F08": "0030",
    "9F0D": "0000000000",
    "9F0E": "0000000000",
    "9F0F": "0000000000",
    "9F42": "0156",
  };
  /** Extra raw records (SFI → list of full record bytes), replacing the default single record. */
  records: Map<number, Buffer[]> | undefined;
  aip = h("1C00");
  pdol: string | undefined;
  gpoAnswer: Answer | undefined;
  /** GET DATA answers by tag ("9F36" → value hex, or an SW number). */
  getData: Record<string, string | number> = {};
  verify: number[] = [];
  externalAuthenticate = 0x9000;
  scriptSw: number[] = [];
  /** Cryptogram the card returns for each GENERATE AC (undefined = what was asked). */
  gacType: ("aac" | "tc" | "arqc")[] = [];
  gacSw: number[] = [];
  /** Command name → "mute" to make the channel throw there. */
  mute: string | undefined;
  atc = 1;

  private gacCount = 0;

  recordList(): Map<number, Buffer[]> {
    if (this.records) return this.records;
    const nodes = Object.entries(this.data).map(([tag, value]) => tlv(tag, value));
    return new Map([[2, [encodeTlv([tlv("70", nodes)])]]]);
  }

  afl(): Buffer {
    const parts: Buffer[] = [];
    for (const [sfi, list] of this.recordList()) parts.push(Buffer.from([sfi << 3, 1, list.length, 0]));
    return Buffer.concat(parts);
  }

  fci(): Buffer {
    const a5: TlvNode[] = [tlv("50", Buffer.from("UnionPay Debit")), tlv("87", "01")];
    if (this.pdol) a5.push(tlv("9F38", this.pdol));
    return encodeTlv([tlv("6F", [tlv("84", this.aid), tlv("A5", a5)])]);
  }

  private answer(name: string, data: Buffer = Buffer.alloc(0), sw = 0x9000): { data: Buffer; sw: number } {
    if (this.mute === name) throw new Error(`card mute at ${name}`);
    return { data, sw };
  }

  async transmit(apdu: Buffer): Promise<{ data: Buffer; sw: number }> {
    const hex = apdu.toString("hex").toUpperCase();
    this.commands.push(hex);
    const [cla, ins, p1, p2] = apdu;
    if (ins === 0xa4) {
      const name = apdu.subarray(5, 5 + apdu[4]!);
      if (name.toString("latin1") === "1PAY.SYS.DDF01") {
        if (!this.pse) return this.answer("SELECT PSE", undefined, 0x6a82);
        return this.answer(
          "SELECT PSE",
          encodeTlv([tlv("6F", [tlv("84", name), tlv("A5", [tlv("88", "01")])])]),
        );
      }
      if (name.equals(this.aid) && p2 === 0) return this.answer("SELECT", this.fci());
      return this.answer("SELECT", undefined, 0x6a82);
    }
    if (ins === 0xb2 && p2! >> 3 === 1) {
      if (p1 !== 1) return this.answer("READ PSE", undefined, 0x6a83);
      const entry = tlv("61", [
        tlv("4F", this.aid),
        tlv("50", Buffer.from("UnionPay Debit")),
        tlv("87", "01"),
      ]);
      return this.answer("READ PSE", encodeTlv([tlv("70", [entry])]));
    }
    if (ins === 0xa8) {
      if (this.gpoAnswer === "mute" || this.mute === "GPO") throw new Error("card mute at GPO");
      if (this.gpoAnswer)
        return { data: this.gpoAnswer.data ?? Buffer.alloc(0), sw: this.gpoAnswer.sw ?? 0x9000 };
      return this.answer("GPO", encodeTlv([tlv("80", Buffer.concat([this.aip, this.afl()]))]));
    }
    if (ins === 0xb2) {
      const list = this.recordList().get(p2! >> 3);
      const record = list?.[p1! - 1];
      if (!record) return this.answer("READ RECORD", undefined, 0x6a83);
      return this.answer("READ RECORD", record);
    }
    if (cla === 0x80 && ins === 0xca) {
      const tag = apdu.subarray(2, 4).toString("hex").toUpperCase();
      const value = this.getData[tag];
      if (value === undefined || typeof value === "number")
        return this.answer("GET DATA", undefined, (value as number) ?? 0x6a88);
      return this.answer(
        "GET DATA",
        Buffer.concat([apdu.subarray(2, 4), Buffer.from([value.length / 2]), h(value)]),
      );
    }
    if (ins === 0x20) return this.answer("VERIFY", undefined, this.verify.shift() ?? 0x9000);
    if (ins === 0x82) return this.answer("EXTERNAL AUTHENTICATE", undefined, this.externalAuthenticate);
    if (ins === 0xae) {
      const index = this.gacCount++;
      const name = `GENERATE AC ${index + 1}`;
      const sw = this.gacSw[index];
      if (sw !== undefined) return this.answer(name, undefined, sw);
      const asked = (p1! & 0xc0) === 0x80 ? "arqc" : (p1! & 0xc0) === 0x40 ? "tc" : "aac";
      const type = this.gacType[index] ?? asked;
      const cid = type === "arqc" ? 0x80 : type === "tc" ? 0x40 : 0x00;
      const atc = Buffer.alloc(2);
      atc.writeUInt16BE(this.atc);
      const body = encodeTlv([
        tlv("77", [
          tlv("9F27", Buffer.from([cid])),
          tlv("9F36", atc),
          tlv("9F26", Buffer.alloc(8, 0x11 + index)),
          tlv("9F10", "07010103A0000001"),
        ]),
      ]);
      return this.answer(name, body);
    }
    if (cla === 0x84) return this.answer("SCRIPT", undefined, this.scriptSw.shift() ?? 0x9000);
    return { data: Buffer.alloc(0), sw: 0x6d00 };
  }

  /** Commands with a given INS (hex), for assertions. */
  sent(ins: string): string[] {
    return this.commands.filter((c) => c.slice(2, 4) === ins.toUpperCase());
  }
}
