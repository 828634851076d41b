import type { ContactOutcome } from "../../../../../firmware/emv/contact/index.js";
import { Tsi, type TsiBit } from "../../../../../protocol/emv/index.js";

/** TSI bit names of an outcome. */
export function describeTsi(outcome: ContactOutcome): TsiBit[] {
  if (outcome.kind === "fallback-to-magstripe") return [];
  return Tsi.fromBuffer(outcome.tsi).setBits();
}
