import { type AflEntry, aflRecords } from "../../../protocol/emv/afl.js";
import { decodeTlv, flattenTlv } from "../../../protocol/tlv/index.js";
import type { ApduChannel } from "../shared/apdu-channel.js";
import { Sw } from "../shared/apdu-channel.js";
import { readRecordCommand } from "./apdu-commands.js";
import { exchange } from "./card-io.js";
import { KernelTerminated } from "./kernel-error.js";
import type { TransactionContext } from "./transaction-context.js";
import { emvDateValue } from "./transaction-input.js";

/** Data objects without which the kernel cannot go on (Book 3 §7.2). */
export const MANDATORY_TAGS = ["5F24", "5A", "8C", "8D"] as const;

/**
 * READ RECORD over the AFL (Book 3 §10.2): SFI 1–10 records must be exactly one `70` template; a
 * primitive tag seen twice anywhere terminates; the ODA records are collected for the static data
 * (value of 70 for SFI 1–10, the whole record for SFI 11–30).
 */
export async function readApplicationData(
  channel: ApduChannel,
  ctx: TransactionContext,
  afl: readonly AflEntry[],
  signal?: AbortSignal,
): Promise<void> {
  for (const { sfi, record, oda } of aflRecords(afl)) {
    const where = `SFI ${sfi} record ${record}`;
    const answer = await exchange(channel, readRecordCommand(sfi, record), `READ RECORD ${where}`, signal);
    if (answer.sw !== Sw.ok) {
      throw new KernelTerminated(
        "read-record-failed",
        `${where} answered ${answer.sw.toString(16).toUpperCase()}`,
      );
    }
    const isTemplate = answer.data[0] === 0x70;
    if (!isTemplate) {
      if (sfi <= 10) throw new KernelTerminated("malformed-card-data", `${where} is not a 70 template`);
      // Not parsed as EMV data; an ODA record like this makes ODA fail when the static data is built.
      if (oda) ctx.odaRecords.push({ sfi, data: Buffer.from(answer.data) });
      continue;
    }
    let nodes: ReturnType<typeof decodeTlv>;
    try {
      nodes = decodeTlv(answer.data);
    } catch (cause) {
      throw new KernelTerminated("malformed-card-data", `${where} is not well-formed BER-TLV`, { cause });
    }
    if (nodes.length !== 1)
      throw new KernelTerminated("malformed-card-data", `${where} has data after the 70 template`);
    let data: Map<string, Buffer>;
    try {
      data = flattenTlv(nodes[0]!.children ?? [], { duplicates: "error" });
    } catch (cause) {
      throw new KernelTerminated("redundant-card-data", `${where} repeats a tag`, { cause });
    }
    ctx.addCardData(data, where);
    if (oda) ctx.odaRecords.push({ sfi, data: Buffer.from(answer.data) });
  }
  for (const tag of MANDATORY_TAGS) {
    if (!ctx.card.has(tag))
      throw new KernelTerminated("missing-mandatory-data", `tag ${tag} not in the records`);
  }
  if (Number.isNaN(emvDateValue(ctx.card.get("5F24")!))) {
    throw new KernelTerminated("malformed-card-data", "expiry date 5F24 is not YYMMDD");
  }
  const pan = ctx.card.get("5A")!.toString("hex").toUpperCase().replace(/F+$/, "");
  if (!/^\d{8,19}$/.test(pan))
    throw new KernelTerminated("malformed-card-data", "PAN 5A is not 8..19 digits");
}
