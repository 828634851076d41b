import { Iso8583Error } from "../errors.js";

/**
 * TPDU (5 bytes): 0x60 id, destination address, source address. Only the id is checked: hosts
 * swap the addresses in replies, some don't, and some answer with addresses of their own
 * (reference §1.1), so the addresses are kept as-is.
 */
export interface Tpdu {
  /** 4 hex digits, e.g. "0003". */
  destination: string;
  /** 4 hex digits, "0000" from a terminal. */
  source: string;
}

export const TPDU_SIZE = 5;
export const TPDU_ID = 0x60;

/** Reads a TPDU at `off`; `base` shifts offsets in errors. */
export function decodeTpdu(buf: Buffer, off = 0, base = 0): Tpdu {
  if (off + TPDU_SIZE > buf.length) {
    throw new Iso8583Error(
      `short frame: TPDU needs ${TPDU_SIZE} bytes, ${Math.max(0, buf.length - off)} left`,
      {
        path: "tpdu",
        offset: off + base,
      },
    );
  }
  if (buf[off] !== TPDU_ID) {
    const id = buf[off]!.toString(16).toUpperCase().padStart(2, "0");
    throw new Iso8583Error(`TPDU id must be 60, got ${id}`, { path: "tpdu.id", offset: off + base });
  }
  return {
    destination: buf.toString("hex", off + 1, off + 3).toUpperCase(),
    source: buf.toString("hex", off + 3, off + 5).toUpperCase(),
  };
}

function address(text: string, what: string): Buffer {
  if (!/^[0-9A-Fa-f]{4}$/.test(text)) {
    throw new Iso8583Error(`must be 4 hex digits, got ${JSON.stringify(text)}`, { path: `tpdu.${what}` });
  }
  return Buffer.from(text, "hex");
}

/** Writes a TPDU at `off`; returns its size. */
export function encodeTpdu(tpdu: Tpdu, buf: Buffer = Buffer.alloc(TPDU_SIZE), off = 0): Buffer {
  buf[off] = TPDU_ID;
  address(tpdu.destination, "destination").copy(buf, off + 1);
  address(tpdu.source, "source").copy(buf, off + 3);
  return buf;
}

/** The TPDU a reply carries: addresses swapped (jPOS NACChannel `tpduSwap`). */
export function replyTpdu(tpdu: Tpdu): Tpdu {
  return { destination: tpdu.source, source: tpdu.destination };
}

/** "6000030000" ↔ Tpdu, the posctl JSON form. */
export function tpduFromHex(hex: string): Tpdu {
  if (typeof hex !== "string" || !/^[0-9A-Fa-f]{10}$/.test(hex)) {
    throw new Iso8583Error(`must be 10 hex digits, got ${JSON.stringify(hex)}`, { path: "tpdu" });
  }
  return decodeTpdu(Buffer.from(hex, "hex"));
}

export function tpduToHex(tpdu: Tpdu): string {
  return encodeTpdu(tpdu).toString("hex").toUpperCase();
}
