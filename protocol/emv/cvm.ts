import { EmvDataError } from "./emv-error.js";

/** CVM codes (b6–b1 of the first rule byte), EMV Book 3 Annex C3. */
export const CVM_METHODS = {
  0: "fail-cvm",
  1: "offline-plaintext-pin",
  2: "online-enciphered-pin",
  3: "offline-plaintext-pin-and-signature",
  4: "offline-enciphered-pin",
  5: "offline-enciphered-pin-and-signature",
  30: "signature",
  31: "no-cvm-required",
  63: "no-cvm-performed",
} as const;

export type CvmMethod = (typeof CVM_METHODS)[keyof typeof CVM_METHODS] | "unknown";

/** CVM condition codes (second rule byte), EMV Book 3 Annex C3. */
export const CVM_CONDITIONS = {
  0: "always",
  1: "unattended-cash",
  2: "not-unattended-cash-manual-cash-or-cashback",
  3: "terminal-supports-cvm",
  4: "manual-cash",
  5: "purchase-with-cashback",
  6: "under-x",
  7: "over-x",
  8: "under-y",
  9: "over-y",
} as const;

export type CvmCondition = (typeof CVM_CONDITIONS)[keyof typeof CVM_CONDITIONS] | "unknown";

export interface CvmRule {
  /** The raw code byte b6–b1 (0x00–0x3F). */
  code: number;
  method: CvmMethod;
  /** b7: on failure apply the next rule instead of failing cardholder verification. */
  applyNextIfUnsuccessful: boolean;
  conditionCode: number;
  condition: CvmCondition;
  /** The two raw bytes, as they go into CVM results 9F34 (with a result byte). */
  raw: Buffer;
}

export interface CvmList {
  /** Amount X, binary, in the application currency's minor units. */
  amountX: number;
  /** Amount Y, binary. */
  amountY: number;
  rules: CvmRule[];
}

/**
 * Parses a CVM list (8E): amount X (4) ‖ amount Y (4) ‖ 2-byte rules. Unknown method or condition
 * codes are kept (as "unknown") because the kernel must react to them (TVR "unrecognised CVM"), not
 * reject the list. An odd rule area or a list shorter than 8 bytes is malformed.
 */
export function parseCvmList(value: Buffer): CvmList {
  if (value.length < 8) {
    throw new EmvDataError(`CVM list is ${value.length} bytes, needs at least 8 (amounts X and Y)`, {
      path: "tag 8E",
    });
  }
  if ((value.length - 8) % 2 !== 0) {
    throw new EmvDataError("CVM rules area has an odd length", {
      path: "tag 8E",
      offset: value.length - 1,
    });
  }
  const rules: CvmRule[] = [];
  for (let offset = 8; offset < value.length; offset += 2) {
    rules.push(decodeCvmRule(value.subarray(offset, offset + 2)));
  }
  return { amountX: value.readUInt32BE(0), amountY: value.readUInt32BE(4), rules };
}

/** Decodes one 2-byte CVM rule (also the first two bytes of CVM results 9F34). */
export function decodeCvmRule(rule: Buffer): CvmRule {
  if (rule.length !== 2) {
    throw new EmvDataError(`CVM rule must be 2 bytes, got ${rule.length}`, { path: "CVM rule" });
  }
  const code = rule[0]! & 0x3f;
  const conditionCode = rule[1]!;
  return {
    code,
    method: (CVM_METHODS as Record<number, CvmMethod>)[code] ?? "unknown",
    applyNextIfUnsuccessful: (rule[0]! & 0x40) !== 0,
    conditionCode,
    condition: (CVM_CONDITIONS as Record<number, CvmCondition>)[conditionCode] ?? "unknown",
    raw: Buffer.from(rule),
  };
}

/** CVM result byte 3 of 9F34. */
export const CVM_RESULT = { unknown: 0x00, failed: 0x01, successful: 0x02 } as const;

/** Builds CVM results (9F34): rule code byte, condition byte, result. */
export function cvmResults(rule: Pick<CvmRule, "raw"> | undefined, result: keyof typeof CVM_RESULT): Buffer {
  // No rule applied (no list, or none matched): code 3F "no CVM performed", condition 00.
  const head = rule === undefined ? Buffer.from([0x3f, 0x00]) : rule.raw;
  return Buffer.from([head[0]!, head[1]!, CVM_RESULT[result]]);
}

/** Transaction context needed to evaluate a CVM condition. */
export interface CvmConditionContext {
  /** Amount authorised (9F02), minor units. */
  amount: number;
  /** True when the transaction currency (5F2A) equals the application currency (9F42). */
  sameCurrency: boolean;
  unattendedCash?: boolean;
  manualCash?: boolean;
  cashback?: boolean;
  /** For condition 03: does the terminal support this rule's CVM. */
  terminalSupports?: (method: CvmMethod) => boolean;
}

/**
 * Whether a rule's condition is satisfied (Book 3 §10.5). Amount conditions need the transaction in the
 * application currency; otherwise they are not satisfied. Unknown conditions are not satisfied.
 */
export function cvmConditionSatisfied(rule: CvmRule, list: CvmList, ctx: CvmConditionContext): boolean {
  const cash = ctx.unattendedCash === true || ctx.manualCash === true;
  switch (rule.condition) {
    case "always":
      return true;
    case "unattended-cash":
      return ctx.unattendedCash === true;
    case "not-unattended-cash-manual-cash-or-cashback":
      return !cash && ctx.cashback !== true;
    case "terminal-supports-cvm":
      return ctx.terminalSupports?.(rule.method) ?? false;
    case "manual-cash":
      return ctx.manualCash === true;
    case "purchase-with-cashback":
      return ctx.cashback === true;
    case "under-x":
      return ctx.sameCurrency && ctx.amount < list.amountX;
    case "over-x":
      return ctx.sameCurrency && ctx.amount > list.amountX;
    case "under-y":
      return ctx.sameCurrency && ctx.amount < list.amountY;
    case "over-y":
      return ctx.sameCurrency && ctx.amount > list.amountY;
    default:
      return false;
  }
}
