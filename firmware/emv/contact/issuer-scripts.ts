import { decodeTlv, type TlvNode } from "../../../protocol/tlv/index.js";
import type { ApduChannel } from "../shared/apdu-channel.js";
import { exchange } from "./card-io.js";
import type { TransactionContext } from "./transaction-context.js";

/**
 * Issuer script processing (Book 3 §10.10): each 71/72 template's 86 commands go to the card in order;
 * SW1 90/62/63 counts as processed, anything else stops that script. One 5-byte result per script
 * (b8–b5: 1 failed / 2 done, b4–b1: sequence of the failing command, then the 4-byte script id 9F18),
 * for DF31 (CUP) / 9F5B.
 */
export async function runIssuerScripts(
  channel: ApduChannel,
  ctx: TransactionContext,
  scripts: readonly Buffer[],
  when: "before" | "after",
  signal?: AbortSignal,
): Promise<Buffer[]> {
  const results: Buffer[] = [];
  for (const script of scripts) {
    ctx.tsi.set("scriptProcessingPerformed");
    const result = await runScript(channel, script, signal);
    if ((result[0]! & 0xf0) === 0x10) {
      ctx.tvr.set(
        when === "before"
          ? "scriptProcessingFailedBeforeFinalGenerateAc"
          : "scriptProcessingFailedAfterFinalGenerateAc",
      );
    }
    results.push(result);
  }
  return results;
}

async function runScript(
  channel: ApduChannel,
  script: Buffer,
  signal: AbortSignal | undefined,
): Promise<Buffer> {
  let id: Buffer = Buffer.alloc(4);
  let commands: TlvNode[];
  try {
    const top = decodeTlv(script)[0];
    const children = top?.children ?? [];
    const idNode = children.find((n) => n.tag === "9F18");
    if (idNode && idNode.value.length === 4) id = Buffer.from(idNode.value);
    commands = children.filter((n) => n.tag === "86");
    if (commands.length === 0 || children.some((n) => n.tag !== "86" && n.tag !== "9F18"))
      throw new Error("format");
  } catch {
    // A script the terminal cannot parse is not sent at all and reported as failed (sequence 0).
    return Buffer.concat([Buffer.from([0x10]), id]);
  }
  for (const [i, command] of commands.entries()) {
    const answer = await exchange(channel, Buffer.from(command.value), "issuer script command", signal);
    const sw1 = answer.sw >> 8;
    if (sw1 !== 0x90 && sw1 !== 0x62 && sw1 !== 0x63) {
      return Buffer.concat([Buffer.from([0x10 | Math.min(i + 1, 0x0f)]), id]);
    }
  }
  return Buffer.concat([Buffer.from([0x20]), id]);
}
