import {
  deriveAcSessionKey,
  deriveIccMasterKey,
  generateArpcMethod1,
  verifyApplicationCryptogram,
} from "../../protocol/crypto/emv/index.js";
import { parseField55 } from "../../protocol/iso8583/subfields/field55.js";
import { encodeTlv, flattenTlv, type TlvNode } from "../../protocol/tlv/index.js";
import type { CardEmv } from "./cards.js";

/**
 * The issuer side of EMV online authorisation for the simulator's test cards (PBOC / EMV CSK style):
 * ICC MK from IMK-AC (option A/B), AC session key from the ATC, ARQC = ISO 9797-1 alg 3 (padding 2)
 * over the CDOL1-style data below, ARPC method 1 with ARC = field 39 as ASCII.
 */

/** The data the ARQC covers, in order (the EMV-recommended minimum), then the CVR from 9F10. */
export const ARQC_DATA_TAGS = [
  "9F02",
  "9F03",
  "9F1A",
  "95",
  "5F2A",
  "9A",
  "9C",
  "9F37",
  "82",
  "9F36",
] as const;

/**
 * Cryptogram input from the field 55 data objects: the values of ARQC_DATA_TAGS in order, then the
 * card verification results (4 bytes at offset 3 of the issuer application data 9F10, PBOC/VSDC layout)
 * when 9F10 is long enough. Undefined when a required tag is missing.
 */
export function arqcInput(data: ReadonlyMap<string, Buffer>): Buffer | undefined {
  const parts: Buffer[] = [];
  for (const tag of ARQC_DATA_TAGS) {
    const value = data.get(tag);
    if (value === undefined) return undefined;
    parts.push(value);
  }
  const iad = data.get("9F10");
  if (iad && iad.length >= 7) parts.push(iad.subarray(3, 7));
  return Buffer.concat(parts);
}

/** Outcome of the ARQC check; holds the keys for the ARPC until `response` wipes them. */
export interface ArqcOutcome {
  ok: boolean;
  /** Why it failed, for the log (never key material). */
  reason?: string;
  /** Field 55 of the answer (91 ARPC+ARC, 71, 72) for a field 39; wipes the keys. */
  response(responseCode: string): Buffer | undefined;
  /** Wipes the keys without answering. */
  discard(): void;
}

const NOTHING: ArqcOutcome = { ok: false, response: () => undefined, discard: () => {} };

/** Checks 9F26 in the request's field 55 against the card's IMK-AC. */
export function checkArqc(emv: CardEmv, pan: string, field55: Buffer): ArqcOutcome {
  let data: Map<string, Buffer>;
  try {
    data = flattenTlv(parseField55(field55));
  } catch {
    return { ...NOTHING, reason: "field 55 is not valid BER-TLV" };
  }
  const arqc = data.get("9F26");
  const atc = data.get("9F36");
  const input = arqcInput(data);
  if (arqc?.length !== 8 || atc?.length !== 2 || !input) {
    return { ...NOTHING, reason: "field 55 lacks 9F26 or the cryptogram data" };
  }
  const mk = deriveIccMasterKey(emv.imkAc, pan, emv.psn);
  const sk = deriveAcSessionKey(mk, atc);
  const ok = verifyApplicationCryptogram(sk, input, arqc, 2);
  const wipe = () => {
    mk.fill(0);
    sk.fill(0);
  };
  return {
    ok,
    ...(ok ? {} : { reason: "ARQC does not verify" }),
    response(responseCode: string): Buffer | undefined {
      try {
        const nodes: TlvNode[] = [];
        if (emv.arpc) {
          const arc = Buffer.from(responseCode, "ascii");
          const arpc = generateArpcMethod1(emv.arpcKey === "session" ? sk : mk, arqc, arc);
          nodes.push({ tag: "91", value: Buffer.concat([arpc, arc]) });
        }
        for (const tag of ["71", "72"] as const) {
          const script = emv.scripts[tag];
          if (script) nodes.push({ tag, value: script });
        }
        return nodes.length === 0 ? undefined : encodeTlv(nodes);
      } finally {
        wipe();
      }
    },
    discard: wipe,
  };
}
