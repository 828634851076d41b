import { Pn532Error } from "./pn532-error.js";

/**
 * Target data in an InListPassiveTarget reply (UM0701 §7.3.5; libnfc pn53x_decode_target_data).
 * Type A: Tg SENS_RES(2) SEL_RES NFCIDLen NFCID1 [ATS], the ATS present when SEL_RES bit 0x20 says
 * ISO 14443-4 (the PN532 sends RATS itself) and starting with TL, a length that counts itself.
 * Type B: Tg ATQB(12: 50 PUPI(4) AppData(4) ProtocolInfo(3)) ATTRIB_RES length, ATTRIB_RES.
 */
export interface TargetA {
  target: number;
  /** SENS_RES as on the wire (2 bytes). */
  atqa: Buffer;
  /** SEL_RES. */
  sak: number;
  /** NFCID1: 4, 7 or 10 bytes. */
  uid: Buffer;
  /** Full ATS including its TL byte, for ISO 14443-4 cards. */
  ats?: Buffer;
}

export interface TargetB {
  target: number;
  /** ATQB, 12 bytes starting 0x50. */
  atqb: Buffer;
  attribRes: Buffer;
}

/** SEL_RES bit: the card speaks ISO 14443-4 (every EMV contactless card). */
export const SAK_ISO14443_4 = 0x20;

const UID_LENGTHS = new Set([4, 7, 10]);

export function encodeTargetA(t: TargetA): Buffer {
  if (t.atqa.length !== 2)
    throw new Pn532Error(`ATQA must be 2 bytes, got ${t.atqa.length}`, { path: "target.SENS_RES" });
  if (!UID_LENGTHS.has(t.uid.length)) {
    throw new Pn532Error(`UID must be 4, 7 or 10 bytes, got ${t.uid.length}`, { path: "target.NFCID1" });
  }
  const iso4 = (t.sak & SAK_ISO14443_4) !== 0;
  if (t.ats !== undefined && (!iso4 || t.ats.length === 0 || t.ats[0] !== t.ats.length)) {
    throw new Pn532Error("ATS needs SAK bit 0x20 and a TL byte equal to its length", { path: "target.ATS" });
  }
  return Buffer.concat([
    Buffer.from([t.target, ...t.atqa, t.sak, t.uid.length]),
    t.uid,
    t.ats ?? Buffer.alloc(0),
  ]);
}

export function encodeTargetB(t: TargetB): Buffer {
  if (t.atqb.length !== 12 || t.atqb[0] !== 0x50) {
    throw new Pn532Error("ATQB must be 12 bytes starting 50", { path: "target.ATQB" });
  }
  if (t.attribRes.length > 0xff) throw new Pn532Error("ATTRIB_RES too long", { path: "target.ATTRIB_RES" });
  return Buffer.concat([Buffer.from([t.target]), t.atqb, Buffer.from([t.attribRes.length]), t.attribRes]);
}

/** Reads one Type A target at `offset` of `bytes`; returns it and where the next one starts. */
export function decodeTargetA(bytes: Buffer, offset: number): { target: TargetA; next: number } {
  need(bytes, offset, 5, "target");
  const uidLength = bytes[offset + 4]!;
  if (!UID_LENGTHS.has(uidLength)) {
    throw new Pn532Error(`NFCIDLength ${uidLength} is not 4, 7 or 10`, {
      path: "target.NFCIDLength",
      offset: offset + 4,
    });
  }
  need(bytes, offset + 5, uidLength, "target.NFCID1");
  const sak = bytes[offset + 3]!;
  const target: TargetA = {
    target: bytes[offset]!,
    atqa: Buffer.from(bytes.subarray(offset + 1, offset + 3)),
    sak,
    uid: Buffer.from(bytes.subarray(offset + 5, offset + 5 + uidLength)),
  };
  let next = offset + 5 + uidLength;
  if ((sak & SAK_ISO14443_4) !== 0 && next < bytes.length) {
    const tl = bytes[next]!;
    if (tl === 0) throw new Pn532Error("ATS length byte 0", { path: "target.ATS", offset: next });
    need(bytes, next, tl, "target.ATS");
    target.ats = Buffer.from(bytes.subarray(next, next + tl));
    next += tl;
  }
  return { target, next };
}

export function decodeTargetB(bytes: Buffer, offset: number): { target: TargetB; next: number } {
  need(bytes, offset, 14, "target");
  if (bytes[offset + 1] !== 0x50) {
    throw new Pn532Error(`ATQB starts ${bytes[offset + 1]}, not 50`, {
      path: "target.ATQB",
      offset: offset + 1,
    });
  }
  const length = bytes[offset + 13]!;
  need(bytes, offset + 14, length, "target.ATTRIB_RES");
  return {
    target: {
      target: bytes[offset]!,
      atqb: Buffer.from(bytes.subarray(offset + 1, offset + 13)),
      attribRes: Buffer.from(bytes.subarray(offset + 14, offset + 14 + length)),
    },
    next: offset + 14 + length,
  };
}

function need(bytes: Buffer, offset: number, count: number, path: string): void {
  if (offset + count > bytes.length) {
    throw new Pn532Error(`needs ${count} bytes, ${Math.max(0, bytes.length - offset)} left`, {
      path,
      offset: bytes.length,
    });
  }
}
