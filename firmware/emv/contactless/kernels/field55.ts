import { encodeTlv } from "../../../../protocol/tlv/index.js";

/**
 * Field 55 of the UnionPay online request (emv-research.md §1.13): the mandatory tags in the dialect's
 * order, then the optional ones the kernel has. Tags the kernel lacks are left out (the host answers
 * 30 when a mandatory one is missing, which the tests catch).
 * TODO(issue 6): switch to engineer A's tag-set builder when protocol/emv exports one.
 */
export const CUP_ONLINE_TAGS = [
  "9F26",
  "9F27",
  "9F10",
  "9F37",
  "9F36",
  "95",
  "9A",
  "9C",
  "9F02",
  "5F2A",
  "82",
  "9F1A",
  "9F03",
  "9F33",
  "9F34",
  "9F35",
  "84",
  "9F09",
  "9F41",
  "9F1E",
  "9F63",
  "9F66",
  "9F6C",
  "9F5D",
] as const;

export function buildOnlineField55(
  values: ReadonlyMap<string, Buffer>,
  tags: readonly string[] = CUP_ONLINE_TAGS,
): Buffer {
  return encodeTlv(tags.filter((tag) => values.has(tag)).map((tag) => ({ tag, value: values.get(tag)! })));
}
