import { aflRecords, type OdaRecord, parseAfl, readRecordCommand } from "../../../../protocol/emv/index.js";
import { toHex } from "../../../../protocol/hex.js";
import {
  buildDolData,
  decodeTlv,
  findTag,
  flattenTlv,
  parseDol,
  type TlvNode,
} from "../../../../protocol/tlv/index.js";
import type { OutcomeCvm } from "../outcome.js";
import { type CardSession, KernelDataError } from "./card-session.js";

/**
 * Card data objects gathered over GPO and READ RECORD. A tag twice in one response, or read again
 * with a different value, is redundant data and terminates (Book 3 §10.2). The same value again in a
 * later response is accepted: qPBOC/qVSDC cards echo 57 and 5F34 in the GPO answer from records the
 * contact interface shares.
 */
export class CardData {
  readonly values = new Map<string, Buffer>();

  get(tag: string): Buffer | undefined {
    return this.values.get(tag);
  }

  /** Adds primitive objects of decoded templates; a duplicate terminates (redundant data). */
  add(nodes: readonly TlvNode[], where: string): void {
    let flat: Map<string, Buffer>;
    try {
      flat = flattenTlv(nodes, { duplicates: "error" });
    } catch (error) {
      throw new KernelDataError(where, (error as Error).message, { cause: error });
    }
    for (const [tag, value] of flat) {
      const known = this.values.get(tag);
      if (known?.equals(value)) continue;
      if (known)
        throw new KernelDataError(`tag ${tag}`, `redundant data with a different value (in ${where})`);
      this.values.set(tag, value);
    }
  }
}

export function decodeResponse(data: Buffer, where: string): TlvNode[] {
  try {
    return decodeTlv(data, { skipPadding: false });
  } catch (error) {
    throw new KernelDataError(where, (error as Error).message, { cause: error });
  }
}

/** PDOL data from the FCI's 9F38 and the terminal's values; empty when the card has no PDOL. */
export function pdolData(
  fci: readonly TlvNode[],
  values: ReadonlyMap<string, Buffer>,
): { data: Buffer; tags: string[] } {
  const pdol = findTag(fci, "9F38");
  if (!pdol) return { data: Buffer.alloc(0), tags: [] };
  let entries: ReturnType<typeof parseDol>;
  try {
    entries = parseDol(pdol.value);
  } catch (error) {
    throw new KernelDataError("tag 9F38", (error as Error).message, { cause: error });
  }
  return { data: buildDolData(entries, values), tags: entries.map((e) => e.tag) };
}

/** GET PROCESSING OPTIONS: `80 A8 00 00 Lc 83 L data 00`. */
export function gpoCommand(data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from([0x83, data.length]), data]);
  return Buffer.concat([Buffer.from([0x80, 0xa8, 0x00, 0x00, body.length]), body, Buffer.from([0x00])]);
}

/**
 * Reads every record of the AFL. Each answer must be 9000 and one `70` template; records the AFL marks
 * for ODA are kept raw for the static data.
 */
export async function readRecords(session: CardSession, afl: Buffer, data: CardData): Promise<OdaRecord[]> {
  let records: ReturnType<typeof aflRecords>;
  try {
    records = aflRecords(parseAfl(afl));
  } catch (error) {
    throw new KernelDataError("tag 94", (error as Error).message, { cause: error });
  }
  const oda: OdaRecord[] = [];
  for (const r of records) {
    const where = `record ${r.record} of SFI ${r.sfi}`;
    const { data: body, sw } = await session.send(readRecordCommand(r.sfi, r.record), "READ RECORD");
    if (sw !== 0x9000) throw new KernelDataError(where, `status ${sw.toString(16).toUpperCase()}`);
    const nodes = decodeResponse(body, where);
    if (nodes.length !== 1 || nodes[0]!.tag !== "70")
      throw new KernelDataError(where, "not a single 70 template");
    data.add(nodes[0]!.children ?? [], where);
    if (r.oda) oda.push({ sfi: r.sfi, data: body });
  }
  return oda;
}

/** The BCD date 9A (YYMMDD) of `date`. */
export function bcdDate(date: Date): Buffer {
  const yy = date.getFullYear() % 100;
  return Buffer.from(
    `${String(yy).padStart(2, "0")}${String(date.getMonth() + 1).padStart(2, "0")}${String(date.getDate()).padStart(2, "0")}`,
    "hex",
  );
}

/** The BCD time 9F21 (HHMMSS). */
export function bcdTime(date: Date): Buffer {
  const two = (n: number) => String(n).padStart(2, "0");
  return Buffer.from(`${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`, "hex");
}

/** n12 BCD amount (9F02 / 9F03). */
export function bcdAmount(fen: number): Buffer {
  return Buffer.from(String(fen).padStart(12, "0"), "hex");
}

/** PAN digits from 5A (cn, F-padded) or 57 (track 2 equivalent, before the D separator). */
export function panDigits(data: CardData): string | undefined {
  const pan = data.get("5A");
  if (pan) return toHex(pan).replace(/F+$/, "");
  const track2 = data.get("57");
  if (track2) return /^(\d{12,19})D/.exec(toHex(track2))?.[1];
  return undefined;
}

/** True when 5F24 (YYMMDD) is before the transaction date. */
export function applicationExpired(expiry: Buffer | undefined, today: Date): boolean {
  if (expiry?.length !== 3) return false;
  const digits = toHex(expiry);
  if (!/^\d{6}$/.test(digits)) return true;
  const yy = Number(digits.slice(0, 2));
  const card = (yy < 50 ? 2000 + yy : 1900 + yy) * 10000 + Number(digits.slice(2));
  const now = today.getFullYear() * 10000 + (today.getMonth() + 1) * 100 + today.getDate();
  return card < now;
}

/** 9F34 CVM results for the outcome's CVM (code, condition 00, result). */
export function cvmResults(cvm: OutcomeCvm): Buffer {
  switch (cvm) {
    case "online-pin":
      return Buffer.from("420000", "hex");
    case "signature":
      return Buffer.from("1E0000", "hex");
    case "confirmation-code-verified":
      return Buffer.from("010002", "hex");
    default:
      return Buffer.from("3F0000", "hex");
  }
}
