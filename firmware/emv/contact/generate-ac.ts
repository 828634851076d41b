import { createHash } from "node:crypto";
import {
  cdaTransactionData,
  type IccPublicKey,
  OdaError,
  parseCid,
  verifyCda,
} from "../../../protocol/emv/index.js";
import { ProtocolError } from "../../../protocol/errors.js";
import { buildDolData, decodeTlv, flattenTlv, parseDol } from "../../../protocol/tlv/index.js";
import type { ApduChannel } from "../shared/apdu-channel.js";
import { Sw } from "../shared/apdu-channel.js";
import { type CryptogramType, generateAcCommand } from "./apdu-commands.js";
import { exchange } from "./card-io.js";
import { KernelTerminated } from "./kernel-error.js";
import type { TransactionContext } from "./transaction-context.js";

/** What the card answered to GENERATE AC, after card action analysis. */
export interface GenerateAcResult {
  requested: CryptogramType;
  /** The cryptogram type the card returned (CID b8–b7). */
  cryptogram: CryptogramType;
  cid: number;
  adviceRequired: boolean;
  /** CDA was requested and failed: the terminal treats the answer as an AAC. */
  cdaFailed: boolean;
}

const TYPE_OF: Record<string, CryptogramType | undefined> = { AAC: "aac", TC: "tc", ARQC: "arqc" };
const RANK: Record<CryptogramType, number> = { aac: 0, tc: 1, arqc: 2 };

/** DOL data for a CDOL, with the TC hash value 98 from the TDOL when the CDOL asks for it. */
export function cdolData(ctx: TransactionContext, tag: "8C" | "8D"): Buffer {
  const entries = parseDol(ctx.card.get(tag)!);
  if (entries.some((e) => e.tag === "98")) {
    let tdol = ctx.card.get("97");
    if (!tdol && ctx.aidConfig.defaultTdol) {
      tdol = ctx.aidConfig.defaultTdol;
      ctx.tvr.set("defaultTdolUsed");
    }
    const tdolData = tdol ? buildDolData(parseDol(tdol), ctx.lookup) : Buffer.alloc(0);
    ctx.terminal.set("98", createHash("sha1").update(tdolData).digest());
  }
  return buildDolData(entries, ctx.lookup);
}

/**
 * GENERATE AC (first or second) and card action analysis (Book 3 §10.8, §9.3): the response is stored
 * (9F27, 9F36, 9F26, 9F10, 9F4B), a card that answers above what was asked terminates, and a requested
 * CDA signature is verified with the transaction data hash over PDOL ‖ CDOL1 (‖ CDOL2) ‖ response.
 */
export async function generateAc(
  channel: ApduChannel,
  ctx: TransactionContext,
  request: { type: CryptogramType; which: 1 | 2; cdaKey?: IccPublicKey | undefined; cdol1Data?: Buffer },
  signal?: AbortSignal,
): Promise<GenerateAcResult & { cdolData: Buffer }> {
  let data: Buffer;
  try {
    data = cdolData(ctx, request.which === 1 ? "8C" : "8D");
  } catch (cause) {
    throw new KernelTerminated("malformed-card-data", `CDOL${request.which} is malformed`, { cause });
  }
  const cda = request.cdaKey !== undefined && request.type !== "aac";
  const answer = await exchange(
    channel,
    generateAcCommand(request.type, cda, data),
    `GENERATE AC ${request.which}`,
    signal,
  );
  if (answer.sw !== Sw.ok) {
    throw new KernelTerminated(
      "generate-ac-failed",
      `GENERATE AC answered ${answer.sw.toString(16).toUpperCase()}`,
    );
  }
  let fields: Map<string, Buffer>;
  try {
    const nodes = decodeTlv(answer.data);
    const top = nodes[0];
    if (nodes.length !== 1 || !top) throw new Error("not one template");
    if (top.tag === "80") {
      if (top.value.length < 11) throw new Error("format 1 too short");
      fields = new Map([
        ["9F27", top.value.subarray(0, 1)],
        ["9F36", top.value.subarray(1, 3)],
        ["9F26", top.value.subarray(3, 11)],
      ]);
      if (top.value.length > 11) fields.set("9F10", top.value.subarray(11));
    } else if (top.tag === "77" && top.children) {
      fields = flattenTlv(top.children, { duplicates: "error" });
    } else {
      throw new Error(`template ${top.tag}`);
    }
  } catch (cause) {
    throw new KernelTerminated("malformed-card-data", "GENERATE AC response is malformed", { cause });
  }
  const cidValue = fields.get("9F27");
  const atc = fields.get("9F36");
  if (cidValue?.length !== 1 || !atc) {
    throw new KernelTerminated("missing-mandatory-data", "GENERATE AC response lacks 9F27 or 9F36");
  }
  // The previous GENERATE AC's cryptogram and signature must never leak into this one's data.
  ctx.card.delete("9F26");
  ctx.card.delete("9F4B");
  for (const [tag, value] of fields) ctx.card.set(tag, Buffer.from(value));
  const cid = parseCid(cidValue);
  const returned = TYPE_OF[cid.type];
  if (!returned || RANK[returned] > RANK[request.type]) {
    throw new KernelTerminated(
      "generate-ac-failed",
      `card answered ${cid.type} to a ${request.type.toUpperCase()} request`,
    );
  }
  const result: GenerateAcResult & { cdolData: Buffer } = {
    requested: request.type,
    cryptogram: returned,
    cid: cid.value,
    adviceRequired: cid.adviceRequired,
    cdaFailed: false,
    cdolData: data,
  };
  if (cda && returned !== "aac") {
    try {
      const signed = verifyCda(request.cdaKey!, {
        signed9F4B: fields.get("9F4B"),
        unpredictableNumber: ctx.terminal.get("9F37")!,
        cid: cidValue,
        cryptogram: fields.get("9F26"),
        transactionData: cdaTransactionData({
          pdolData: ctx.pdolData,
          cdol1Data: request.which === 1 ? data : request.cdol1Data!,
          ...(request.which === 2 ? { cdol2Data: data } : {}),
          response: answer.data,
        }),
      });
      ctx.card.set("9F26", Buffer.from(signed.cryptogram));
      ctx.terminal.set("9F4C", Buffer.from(signed.iccDynamicNumber));
    } catch (error) {
      if (!(error instanceof OdaError) && !(error instanceof ProtocolError)) throw error;
      ctx.tvr.set("cdaFailed");
      result.cdaFailed = true;
    }
  }
  if (!result.cdaFailed && !ctx.card.has("9F26")) {
    throw new KernelTerminated("missing-mandatory-data", "GENERATE AC response lacks the cryptogram 9F26");
  }
  return result;
}
