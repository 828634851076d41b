import type { OdaRecord } from "../../../../protocol/emv/index.js";
import {
  buildStaticData,
  type CapkStore,
  cdaTransactionData,
  type IccPublicKey,
  OdaError,
  type OdaMethod,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
  type TvrBit,
  verifyCda,
  verifyFdda,
} from "../../../../protocol/emv/index.js";
import type { CardData } from "./card-data.js";

/**
 * Offline data authentication for the contactless kernels, run AFTER the last card command (the card
 * may already be gone): CA key → issuer key → ICC key → signature, each RSA step timed so bench/emv.ts
 * can show them. Failures come back as values with the TVR bits to set, never as throws.
 */
export interface OdaTimings {
  issuerKeyMs: number;
  iccKeyMs: number;
  signatureMs: number;
}

export type OdaResult =
  | { ok: true; timings: OdaTimings }
  | { ok: false; reason: string; tvrBits: readonly TvrBit[]; timings: OdaTimings };

interface Common {
  capks: CapkStore;
  aid: Buffer;
  card: CardData;
  odaRecords: readonly OdaRecord[];
  now: Date;
  timer: () => number;
}

function withKeys(method: OdaMethod, input: Common, verify: (icc: IccPublicKey) => void): OdaResult {
  const timings: OdaTimings = { issuerKeyMs: 0, iccKeyMs: 0, signatureMs: 0 };
  const { card, timer } = input;
  try {
    const pan = card.get("5A") ?? panFromTrack2(card.get("57"));
    if (!pan) throw new OdaError("icc-data-missing", method, "no PAN (5A or 57)", { path: "tag 5A" });
    const capk = input.capks.require(input.aid, card.get("8F"), method);
    let t = timer();
    const issuer = recoverIssuerPublicKey(capk, {
      cert90: card.get("90"),
      remainder92: card.get("92"),
      exponent9F32: card.get("9F32"),
      pan,
      now: input.now,
      method,
    });
    timings.issuerKeyMs = timer() - t;
    const staticData = buildStaticData({
      records: input.odaRecords,
      sdaTagList9F4A: card.get("9F4A"),
      aip: card.get("82"),
      method,
    });
    t = timer();
    const icc = recoverIccPublicKey(issuer, {
      cert9F46: card.get("9F46"),
      remainder9F48: card.get("9F48"),
      exponent9F47: card.get("9F47"),
      staticData,
      pan,
      now: input.now,
      method,
    });
    timings.iccKeyMs = timer() - t;
    t = timer();
    verify(icc);
    timings.signatureMs = timer() - t;
    return { ok: true, timings };
  } catch (error) {
    if (error instanceof OdaError)
      return { ok: false, reason: error.message, tvrBits: error.tvrBits, timings };
    throw error;
  }
}

/** fDDA (qPBOC / qVSDC): 9F4B from the GPO over UN ‖ amount ‖ currency ‖ 9F69. */
export function runFdda(
  input: Common & { unpredictableNumber: Buffer; amount: Buffer; currency: Buffer },
): OdaResult {
  return withKeys("fdda", input, (icc) => {
    verifyFdda(icc, {
      signed9F4B: input.card.get("9F4B"),
      unpredictableNumber: input.unpredictableNumber,
      amountAuthorised: input.amount,
      currencyCode: input.currency,
      cardAuthenticationData9F69: input.card.get("9F69"),
    });
  });
}

/** CDA on the GENERATE AC answer (Mastercard-style kernel). */
export function runCda(
  input: Common & {
    unpredictableNumber: Buffer;
    pdolData: Buffer;
    cdol1Data: Buffer;
    response: Buffer;
    signed9F4B: Buffer | undefined;
    cid: Buffer;
  },
): OdaResult {
  return withKeys("cda", input, (icc) => {
    verifyCda(icc, {
      signed9F4B: input.signed9F4B,
      unpredictableNumber: input.unpredictableNumber,
      cid: input.cid,
      transactionData: cdaTransactionData({
        pdolData: input.pdolData,
        cdol1Data: input.cdol1Data,
        response: input.response,
      }),
    });
  });
}

function panFromTrack2(track2: Buffer | undefined): Buffer | undefined {
  if (!track2) return undefined;
  const digits = /^(\d{12,19})D/.exec(track2.toString("hex").toUpperCase())?.[1];
  if (!digits) return undefined;
  return Buffer.from(digits.length % 2 ? `${digits}F` : digits, "hex");
}
