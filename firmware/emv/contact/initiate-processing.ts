import { type AflEntry, parseAfl } from "../../../protocol/emv/afl.js";
import { type Aip, parseAip } from "../../../protocol/emv/aip.js";
import { buildDolData, decodeTlv, flattenTlv, parseDol } from "../../../protocol/tlv/index.js";
import type { ApduChannel } from "../shared/apdu-channel.js";
import { Sw } from "../shared/apdu-channel.js";
import { gpoCommand } from "./apdu-commands.js";
import { exchange } from "./card-io.js";
import { KernelTerminated } from "./kernel-error.js";
import type { TransactionContext } from "./transaction-context.js";

export type GpoResult = { kind: "ok"; aip: Aip; afl: AflEntry[] } | { kind: "conditions-not-satisfied" };

/**
 * GET PROCESSING OPTIONS with the PDOL data (Book 3 §10.1). 6985 ⇒ the caller removes the application
 * and goes back to selection; any other status or a malformed answer terminates.
 */
export async function initiateApplicationProcessing(
  channel: ApduChannel,
  ctx: TransactionContext,
  signal?: AbortSignal,
): Promise<GpoResult> {
  const pdol = ctx.fci.get("9F38");
  let pdolData: Buffer = Buffer.alloc(0);
  if (pdol && pdol.length > 0) {
    try {
      pdolData = buildDolData(parseDol(pdol), ctx.lookup);
    } catch (cause) {
      throw new KernelTerminated("malformed-card-data", "PDOL 9F38 is malformed", { cause });
    }
  }
  ctx.pdolData = pdolData;
  const answer = await exchange(channel, gpoCommand(pdolData), "GET PROCESSING OPTIONS", signal);
  if (answer.sw === Sw.conditionsNotSatisfied) return { kind: "conditions-not-satisfied" };
  if (answer.sw !== Sw.ok)
    throw new KernelTerminated("gpo-failed", `GPO answered ${answer.sw.toString(16).toUpperCase()}`);
  let aipValue: Buffer | undefined;
  let aflValue: Buffer | undefined;
  let data = new Map<string, Buffer>();
  try {
    const nodes = decodeTlv(answer.data);
    const top = nodes[0];
    if (nodes.length !== 1 || !top) throw new Error("not one template");
    if (top.tag === "80") {
      if (top.value.length < 6 || (top.value.length - 2) % 4 !== 0) throw new Error("format 1 length");
      aipValue = top.value.subarray(0, 2);
      aflValue = top.value.subarray(2);
    } else if (top.tag === "77" && top.children) {
      data = flattenTlv(top.children, { duplicates: "error" });
      aipValue = data.get("82");
      aflValue = data.get("94");
    } else {
      throw new Error(`template ${top.tag}`);
    }
  } catch (cause) {
    throw new KernelTerminated("malformed-card-data", "GPO response is not a format 1 or 2 template", {
      cause,
    });
  }
  if (!aipValue || !aflValue)
    throw new KernelTerminated("missing-mandatory-data", "GPO response lacks AIP 82 or AFL 94");
  let aip: Aip;
  let afl: AflEntry[];
  try {
    aip = parseAip(aipValue);
    afl = parseAfl(aflValue);
  } catch (cause) {
    throw new KernelTerminated("malformed-card-data", "AIP or AFL malformed", { cause });
  }
  data.set("82", Buffer.from(aipValue));
  data.set("94", Buffer.from(aflValue));
  ctx.addCardData(data, "GPO response");
  return { kind: "ok", aip, afl };
}
