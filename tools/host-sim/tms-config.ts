import { z } from "zod";

/**
 * The host's TMS data (config `tms`): what the 360/370/380/390 downloads serve. Every part is optional;
 * tms.ts fills the absent ones with the rig's test CAPKs and the UnionPay default AIDs.
 */
const hex = (min: number, max: number) =>
  z
    .string()
    .regex(/^([0-9A-Fa-f]{2})*$/, "must be hex, whole bytes")
    .refine((v) => v.length >= min * 2 && v.length <= max * 2, `must be ${min}..${max} bytes`);
const fen = z.number().int().min(0).max(999_999_999_999);

const tmsCapkSchema = z.strictObject({
  rid: hex(5, 5),
  index: hex(1, 1),
  modulus: hex(1, 248),
  exponent: hex(1, 3),
  /** YYYYMMDD. */
  expiry: z.string().regex(/^\d{8}$/, "must be YYYYMMDD"),
  /** DF03 as sent; computed when absent (give a wrong one to test the terminal's refusal). */
  checksum: hex(20, 20).optional(),
  /** Accepted for the CapkStore JSON form (test-capks.json); same meaning as checksum. */
  hash: hex(20, 20).optional(),
});

const tmsAidSchema = z.strictObject({
  aid: hex(5, 16),
  partialSelection: z.boolean().optional(),
  applicationVersion: hex(2, 2).optional(),
  tacDefault: hex(5, 5).optional(),
  tacOnline: hex(5, 5).optional(),
  tacDenial: hex(5, 5).optional(),
  floorLimit: z.number().int().min(0).max(0xffffffff).optional(),
  threshold: z.number().int().min(0).max(0xffffffff).optional(),
  maxTargetPercent: z.number().int().min(0).max(99).optional(),
  targetPercent: z.number().int().min(0).max(99).optional(),
  defaultDdol: hex(0, 252).optional(),
  onlinePinSupported: z.boolean().optional(),
  ecTransactionLimit: fen.optional(),
  contactlessFloorLimit: fen.optional(),
  contactlessTransactionLimit: fen.optional(),
  cvmLimit: fen.optional(),
  other: z.array(z.strictObject({ tag: hex(1, 4), value: hex(0, 252) })).default([]),
});

const phone = z.string().regex(/^[0-9*#,-]{0,14}$/, "must be up to 14 dialling characters");
const tmsParametersSchema = z.strictObject({
  applicationType: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
  timeoutSeconds: z.number().int().min(0).max(99).optional(),
  retries: z.number().int().min(0).max(9).optional(),
  transactionPhones: z.array(phone).max(3).optional(),
  managementPhone: phone.optional(),
  tipsSupported: z.boolean().optional(),
  tipPercent: z.number().int().min(0).max(99).optional(),
  manualEntryAllowed: z.boolean().optional(),
});

export const tmsConfigSchema = z.strictObject({
  capks: z.array(tmsCapkSchema).optional(),
  aids: z.array(tmsAidSchema).optional(),
  /** PANs the terminal must refuse. */
  blacklist: z.array(z.string().regex(/^\d{12,19}$/, "must be 12..19 digits")).default([]),
  parameters: tmsParametersSchema.default({ timeoutSeconds: 60, retries: 3, manualEntryAllowed: false }),
  /** Entries per query / black-list answer: small so the '2' (more follows) path is exercised. */
  pageSize: z.number().int().min(1).max(20).default(3),
});
export type TmsConfigInput = z.input<typeof tmsConfigSchema>;
export type TmsConfig = z.infer<typeof tmsConfigSchema>;
export type TmsCapkInput = z.infer<typeof tmsCapkSchema>;
