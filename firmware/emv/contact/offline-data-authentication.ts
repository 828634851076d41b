import {
  type Aip,
  buildStaticData,
  type CapkStore,
  type IccPublicKey,
  OdaError,
  odaFailedBit,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
  selectOdaMethod,
  verifyDda,
  verifySda,
} from "../../../protocol/emv/index.js";
import { ProtocolError } from "../../../protocol/errors.js";
import { buildDolData, decodeTlv, findTag, parseDol } from "../../../protocol/tlv/index.js";
import type { ApduChannel } from "../shared/apdu-channel.js";
import { Sw } from "../shared/apdu-channel.js";
import { internalAuthenticateCommand } from "./apdu-commands.js";
import { exchange } from "./card-io.js";
import type { TransactionContext } from "./transaction-context.js";

/** Serial numbers a CA has revoked (Book 2 §5.3 step 10): RID, CA index, certificate serial. */
export type RevocationCheck = (rid: Buffer, caIndex: number, serial: Buffer) => boolean;

export interface OdaOutcome {
  method: "sda" | "dda" | "cda" | undefined;
  /** CDA: the ICC key recovered before GENERATE AC; undefined when recovery already failed. */
  iccKey?: IccPublicKey;
}

/** Terminal ODA capabilities from 9F33 byte 3: b8 SDA, b7 DDA, b4 CDA. */
export function terminalOdaSupport(capabilities: Buffer): { sda: boolean; dda: boolean; cda: boolean } {
  const b3 = capabilities[2] ?? 0;
  return { sda: (b3 & 0x80) !== 0, dda: (b3 & 0x40) !== 0, cda: (b3 & 0x08) !== 0 };
}

function fail(ctx: TransactionContext, method: "sda" | "dda" | "cda", error: unknown): void {
  if (error instanceof OdaError) for (const bit of error.tvrBits) ctx.tvr.set(bit);
  else ctx.tvr.set(odaFailedBit(method));
}

/**
 * Offline data authentication (Book 3 §10.3). Selects CDA, DDA or SDA from the AIP and 9F33; sets TSI
 * "ODA performed" whenever one is attempted and exactly the TVR byte 1 bits A's OdaError names on
 * failure. CDA only recovers the keys here: the signature comes with GENERATE AC.
 */
export async function performOfflineDataAuthentication(
  channel: ApduChannel,
  ctx: TransactionContext,
  aip: Aip,
  capks: CapkStore,
  options: { signal?: AbortSignal; isRevoked?: RevocationCheck } = {},
): Promise<OdaOutcome> {
  const method = selectOdaMethod(aip, terminalOdaSupport(ctx.config.terminalCapabilities));
  if (method === undefined) {
    ctx.tvr.set("offlineDataAuthenticationNotPerformed");
    return { method };
  }
  ctx.tsi.set("offlineDataAuthenticationPerformed");
  if (method === "sda") ctx.tvr.set("sdaSelected");
  const card = ctx.card;
  const aid = ctx.fci.get("84")!;
  const now = ctx.terminal.get("9A")!;
  const pan = card.get("5A")!;
  try {
    const capk = capks.require(aid, card.get("8F"), method);
    const rid = aid.subarray(0, 5);
    const caIndex = card.get("8F")![0]!;
    const isRevoked = options.isRevoked;
    const issuerKey = recoverIssuerPublicKey(capk, {
      cert90: card.get("90"),
      remainder92: card.get("92"),
      exponent9F32: card.get("9F32"),
      pan,
      now,
      method,
      ...(isRevoked ? { isRevoked: (serial: Buffer) => isRevoked(rid, caIndex, serial) } : {}),
    });
    const staticData = buildStaticData({
      records: ctx.odaRecords,
      sdaTagList9F4A: card.get("9F4A"),
      aip: card.get("82"),
      method,
    });
    if (method === "sda") {
      const result = verifySda(issuerKey, { signed93: card.get("93"), staticData });
      ctx.terminal.set("9F45", result.dac);
      return { method };
    }
    const iccKey = recoverIccPublicKey(issuerKey, {
      cert9F46: card.get("9F46"),
      remainder9F48: card.get("9F48"),
      exponent9F47: card.get("9F47"),
      staticData,
      pan,
      now,
      method,
    });
    if (method === "cda") return { method, iccKey };
    await dynamicDataAuthentication(channel, ctx, iccKey, options.signal);
    return { method };
  } catch (error) {
    // Malformed card data (bad DDOL, bad template) fails the method like a bad signature does.
    if (!(error instanceof ProtocolError)) throw error;
    fail(ctx, method, error);
    return { method };
  }
}

/** DDA: INTERNAL AUTHENTICATE with the DDOL (card 9F49, else the AID's default DDOL) and verify 9F4B. */
async function dynamicDataAuthentication(
  channel: ApduChannel,
  ctx: TransactionContext,
  iccKey: IccPublicKey,
  signal: AbortSignal | undefined,
): Promise<void> {
  const ddol = ctx.card.get("9F49") ?? ctx.aidConfig.defaultDdol;
  const entries = parseDol(ddol);
  if (!entries.some((e) => e.tag === "9F37")) {
    // A DDOL without the unpredictable number cannot prove freshness (Book 3 §10.3).
    throw new OdaError("dda-failed", "dda", "DDOL does not ask for the unpredictable number 9F37", {
      path: "tag 9F49",
    });
  }
  const ddolData = buildDolData(entries, ctx.lookup);
  const answer = await exchange(
    channel,
    internalAuthenticateCommand(ddolData),
    "INTERNAL AUTHENTICATE",
    signal,
  );
  if (answer.sw !== Sw.ok) {
    throw new OdaError("dda-failed", "dda", `INTERNAL AUTHENTICATE answered ${answer.sw.toString(16)}`);
  }
  let signed: Buffer | undefined;
  try {
    const nodes = decodeTlv(answer.data);
    const top = nodes[0];
    if (top?.tag === "80") signed = top.value;
    else if (top?.tag === "77" && top.children) signed = findTag(top.children, "9F4B")?.value;
  } catch {
    signed = undefined;
  }
  if (signed) ctx.card.set("9F4B", Buffer.from(signed));
  const result = verifyDda(iccKey, { signed9F4B: signed, ddolData });
  ctx.terminal.set("9F4C", Buffer.from(result.iccDynamicNumber));
}
