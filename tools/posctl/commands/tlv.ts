import type { Command } from "commander";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { decodeTlv, describeTlv, type TlvNode } from "../../../protocol/tlv/index.js";
import { action } from "../cli-error.js";

/** JSON shape of one TLV node: value as uppercase hex; templates keep their value and list children. */
interface TlvJson {
  tag: string;
  value: string;
  children?: TlvJson[];
}

function toJson(node: TlvNode): TlvJson {
  const json: TlvJson = { tag: node.tag, value: toHex(node.value) };
  if (node.children) json.children = node.children.map(toJson);
  return json;
}

/** `posctl tlv decode <hex>`: BER-TLV (field 55, card responses, CUP parameter records) as JSON or a dump. */
export function registerTlv(program: Command): void {
  const tlv = program.command("tlv").description("BER-TLV (EMV) tools");
  tlv
    .command("decode <hex>")
    .description("decode BER-TLV hex into JSON (tag, value, children)")
    .option("--describe", "print a human dump with EMV tag names; sensitive values masked")
    .option("--reveal", "with --describe, show PAN, track and cardholder data in clear")
    .option("--padding", "skip 00/FF filler between objects, as in card records")
    .action(
      action((hex: string, options: { describe?: boolean; reveal?: boolean; padding?: boolean }) => {
        const nodes = decodeTlv(fromHex(hex, "tlv hex"), { skipPadding: options.padding === true });
        const text = options.describe
          ? describeTlv(nodes, { reveal: options.reveal === true })
          : JSON.stringify(nodes.map(toJson), null, 2);
        process.stdout.write(`${text}\n`);
      }),
    );
}
