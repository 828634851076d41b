import type { AidRecord } from "../../protocol/iso8583/tms/index.js";
import type { TerminalConfigInput } from "../emv/shared/terminal-config.js";

export type AidInput = TerminalConfigInput["aids"][number];

/**
 * A downloaded AID record as the EMV config's AID entry. What the TMS does not send (label, kernel ID,
 * TDOL, a value the record leaves out) is kept from the terminal's own entry for that AID; an AID the
 * terminal did not know gets only what was sent, and the config parser refuses it if that is not enough.
 */
export function aidInputOf(
  record: AidRecord,
  known: AidInput | undefined,
): Partial<AidInput> & { aid: string } {
  const base: Partial<AidInput> = known ? structuredClone(known) : {};
  const out: Partial<AidInput> & { aid: string } = { ...base, aid: record.aid };
  if (record.partialSelection !== undefined) out.partialSelection = record.partialSelection;
  if (record.applicationVersion !== undefined) out.applicationVersion = record.applicationVersion;
  if (record.tacDefault !== undefined) out.tacDefault = record.tacDefault;
  if (record.tacOnline !== undefined) out.tacOnline = record.tacOnline;
  if (record.tacDenial !== undefined) out.tacDenial = record.tacDenial;
  if (record.floorLimit !== undefined) out.floorLimit = record.floorLimit;
  if (record.defaultDdol !== undefined) out.defaultDdol = record.defaultDdol;
  if (record.onlinePinSupported !== undefined) out.onlinePinSupported = record.onlinePinSupported;
  const random = base.randomSelection ?? { threshold: 0, targetPercent: 0, maxTargetPercent: 0 };
  out.randomSelection = {
    threshold: record.threshold ?? random.threshold,
    targetPercent: record.targetPercent ?? random.targetPercent,
    maxTargetPercent: record.maxTargetPercent ?? random.maxTargetPercent,
  };
  const ttq = record.other.find((o) => o.tag === "9F66")?.value;
  const hasLimits =
    record.contactlessTransactionLimit !== undefined &&
    record.contactlessFloorLimit !== undefined &&
    record.cvmLimit !== undefined;
  if (hasLimits || base.contactless) {
    const cl = base.contactless;
    out.contactless = {
      ...(cl ?? {}),
      transactionLimit: record.contactlessTransactionLimit ?? cl?.transactionLimit ?? 0,
      floorLimit: record.contactlessFloorLimit ?? cl?.floorLimit ?? 0,
      cvmLimit: record.cvmLimit ?? cl?.cvmLimit ?? 0,
      ...(record.ecTransactionLimit !== undefined ? { ecTransactionLimit: record.ecTransactionLimit } : {}),
      ...(ttq !== undefined ? { ttq } : {}),
    };
  }
  return out;
}
