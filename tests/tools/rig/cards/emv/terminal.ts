import { constants, createHash, createPublicKey, publicEncrypt } from "node:crypto";
import { expect } from "vitest";
import {
  buildDolData,
  decodeTlv,
  encodeTlv,
  flattenTlv,
  parseDol,
  type TlvNode,
} from "../../../../../protocol/tlv/index.js";
import type { EmvCardApplet } from "../../../../../tools/rig/cards/emv/index.js";

/**
 * A bare test terminal driving a virtual card APDU by APDU (no kernel): the minimum a test needs to
 * select, run GPO, read the AFL records and ask for cryptograms, plus plain node:crypto RSA recovery.
 */

export interface Reply {
  data: Buffer;
  sw: number;
  tlv: Map<string, Buffer>;
}

export function send(card: EmvCardApplet, hex: string | Buffer): Reply {
  const apdu = typeof hex === "string" ? Buffer.from(hex, "hex") : hex;
  const response = card.transmit(apdu);
  const data = response.subarray(0, -2);
  const sw = response.readUInt16BE(response.length - 2);
  let tlv = new Map<string, Buffer>();
  try {
    if (data.length > 0) tlv = flattenTlv(decodeTlv(data));
  } catch {
    // raw data (GET CHALLENGE)
  }
  return { data, sw, tlv };
}

export function apdu(header: string, data: Buffer, le = true): Buffer {
  return Buffer.concat([
    Buffer.from(header, "hex"),
    Buffer.from([data.length]),
    data,
    le ? Buffer.from([0]) : Buffer.alloc(0),
  ]);
}

export function selectAid(card: EmvCardApplet, aid: string): Reply {
  return send(card, apdu("00A40400", Buffer.from(aid, "hex")));
}

/** Terminal data for DOLs; override per test. */
export function terminalData(overrides: Record<string, string> = {}): Map<string, Buffer> {
  const base: Record<string, string> = {
    "9F02": "000000001000",
    "9F03": "000000000000",
    "9F1A": "0156",
    "95": "0000000000",
    "5F2A": "0156",
    "9A": "250601",
    "9C": "00",
    "9F37": "A1B2C3D4",
    "9F21": "120000",
    "9F4E": Buffer.from("RIG TEST MERCHANT", "ascii").toString("hex"),
    "9F35": "22",
    "9F45": "0000",
    "9F34": "1F0302",
    "9F66": "00000000",
    ...overrides,
  };
  return new Map(Object.entries(base).map(([tag, value]) => [tag, Buffer.from(value, "hex")]));
}

export interface Session {
  card: EmvCardApplet;
  terminal: Map<string, Buffer>;
  pdolData: Buffer;
  gpo: Reply;
  /** READ RECORD answers (full 70 templates) by SFI, in AFL order. */
  records: { sfi: number; data: Buffer; oda: boolean }[];
  /** Every primitive data object read from the records. */
  cardData: Map<string, Buffer>;
}

/** SELECT the AID, GPO with the PDOL built from `terminal`, READ RECORD over the AFL. */
export function startTransaction(card: EmvCardApplet, aid: string, terminal = terminalData()): Session {
  const select = selectAid(card, aid);
  expect(select.sw).toBe(0x9000);
  const pdol = select.tlv.get("9F38");
  const pdolData = pdol ? buildDolData(parseDol(pdol), terminal) : Buffer.alloc(0);
  const gpo = send(card, apdu("80A80000", encodeTlv([{ tag: "83", value: pdolData }])));
  expect(gpo.sw).toBe(0x9000);
  const afl = gpo.tlv.get("94")!;
  const records: Session["records"] = [];
  for (let i = 0; i < afl.length; i += 4) {
    const sfi = afl[i]! >> 3;
    for (let r = afl[i + 1]!; r <= afl[i + 2]!; r++) {
      const reply = send(card, Buffer.from([0x00, 0xb2, r, (sfi << 3) | 4, 0]));
      expect(reply.sw).toBe(0x9000);
      records.push({ sfi, data: reply.data, oda: r - afl[i + 1]! < afl[i + 3]! });
    }
  }
  const cardData = new Map<string, Buffer>();
  for (const r of records) for (const [tag, value] of flattenTlv(decodeTlv(r.data))) cardData.set(tag, value);
  return { card, terminal, pdolData, gpo, records, cardData };
}

export function cdolData(session: Session, tag: "8C" | "8D", extra: Record<string, string> = {}): Buffer {
  const values = new Map(session.terminal);
  for (const [t, v] of Object.entries(extra)) values.set(t, Buffer.from(v, "hex"));
  return buildDolData(parseDol(session.cardData.get(tag)!), values);
}

export function generateAc(card: EmvCardApplet, p1: number, data: Buffer): Reply {
  return send(card, apdu(`80AE${p1.toString(16).padStart(2, "0")}00`, data));
}

/** x^e mod n with node:crypto (RSA_NO_PADDING), the way a terminal "recovers" EMV signatures. */
export function recover(modulus: Buffer, exponent: Buffer, signature: Buffer): Buffer {
  const key = createPublicKey({
    key: { kty: "RSA", n: modulus.toString("base64url"), e: exponent.toString("base64url") },
    format: "jwk",
  });
  return publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, signature);
}

export function sha1(...parts: Buffer[]): Buffer {
  return createHash("sha1").update(Buffer.concat(parts)).digest();
}

/** Static data to be authenticated from the session's ODA records (+ AIP when 9F4A lists 82). */
export function staticData(session: Session): Buffer {
  const parts = session.records
    .filter((r) => r.oda)
    .map((r) => (r.sfi <= 10 ? (decodeTlv(r.data)[0] as TlvNode).value : r.data));
  if (session.cardData.get("9F4A")?.toString("hex") === "82") parts.push(session.gpo.tlv.get("82")!);
  return Buffer.concat(parts);
}
