import { z } from "zod";

/**
 * The terminal and AID parameters the EMV kernels (contact and contactless) read: what the TMS
 * downloads (CUP "IC parameters", 60.3 = 380/381) plus the terminal's own constants. Hex values are
 * kept as hex text in the file and turned into Buffers by `parseTerminalConfig`; amounts are integer
 * fen (minor units of `currencyCode`). An error names the setting at fault ("aids[2].tacOnline").
 */
export class TerminalConfigError extends Error {
  override name = "TerminalConfigError";
  readonly setting: string;

  constructor(setting: string, message: string, options: { cause?: unknown } = {}) {
    super(`${setting}: ${message}`, options);
    this.setting = setting;
  }
}

const hexBytes = (bytes: number) =>
  z
    .string()
    .regex(/^[0-9A-Fa-f]*$/, "must be hex digits")
    .refine((v) => v.length === bytes * 2, `must be ${bytes} bytes (${bytes * 2} hex digits)`);
const hexRange = (min: number, max: number) =>
  z
    .string()
    .regex(/^([0-9A-Fa-f]{2})*$/, "must be hex, whole bytes")
    .refine((v) => v.length >= min * 2 && v.length <= max * 2, `must be ${min}..${max} bytes`);
const numericCode = z.string().regex(/^\d{4}$/, "must be 4 decimal digits (ISO 3166 / ISO 4217 numeric)");
const fen = z.number().int().min(0).max(999_999_999_999);
const percent = z.number().int().min(0).max(99);

/** Biased random transaction selection (Book 3 §10.6.2; CUP DF15/DF16/DF17). */
const randomSelectionSchema = z
  .strictObject({
    /** Below this amount the target percentage applies as is (DF15). */
    threshold: fen,
    /** Target percentage (DF17). 0 switches random selection off. */
    targetPercent: percent,
    /** Maximum target percentage reached at the floor limit (DF16). */
    maxTargetPercent: percent,
  })
  .refine((v) => v.maxTargetPercent >= v.targetPercent, {
    message: "maxTargetPercent must be ≥ targetPercent",
    path: ["maxTargetPercent"],
  });

/** Contactless reader limits for one AID (Book A §5; CUP DF19/DF20/DF21, 9F7B). */
const contactlessLimitsSchema = z.strictObject({
  /** At or above: the contactless transaction is not allowed (DF20). */
  transactionLimit: fen,
  /** Above: online (or decline) — offline floor (DF19). */
  floorLimit: fen,
  /** At or above: a CVM is required (DF21). */
  cvmLimit: fen,
  /** Electronic-cash terminal transaction limit (9F7B), qPBOC only. */
  ecTransactionLimit: fen.optional(),
  /** Terminal transaction qualifiers 9F66 (qPBOC / qVSDC). */
  ttq: hexBytes(4).optional(),
  /** Kernel identifier the AID runs on (Book B: 2 Mastercard, 3 Visa, 7 UnionPay). */
  kernelId: z.number().int().min(1).max(0xff).optional(),
});

const aidSchema = z.strictObject({
  /** Terminal AID (9F06), 5..16 bytes. */
  aid: hexRange(5, 16),
  /** Application selection indicator: partial-name match allowed (CUP DF01 = 00). */
  partialSelection: z.boolean(),
  /** Shown when the card gives no label. */
  label: z.string().max(16).optional(),
  /** Terminal application version number 9F09. */
  applicationVersion: hexBytes(2),
  /** Terminal action codes (DF13 / DF12 / DF11). */
  tacDenial: hexBytes(5),
  tacOnline: hexBytes(5),
  tacDefault: hexBytes(5),
  /** Terminal floor limit 9F1B in fen. */
  floorLimit: fen,
  randomSelection: randomSelectionSchema,
  /** Default DDOL (DF14) used when the card has no 9F49. */
  defaultDdol: hexRange(0, 252),
  /** Default TDOL (97) — only used if a CDOL asks for the TC hash value 98. */
  defaultTdol: hexRange(0, 252).optional(),
  /** Online PIN supported for this AID (DF18). */
  onlinePinSupported: z.boolean(),
  contactless: contactlessLimitsSchema.optional(),
});

const terminalConfigSchema = z
  .strictObject({
    /** Terminal capabilities 9F33. */
    terminalCapabilities: hexBytes(3),
    /** Additional terminal capabilities 9F40. */
    additionalCapabilities: hexBytes(5),
    /** Terminal type 9F35 (22 = attended, merchant, online with offline capability). */
    terminalType: z.string().regex(/^[1-3][1-6]$/, "must be two digits: 1..3 then 1..6 (Book 4 Annex A1)"),
    /** Terminal country code 9F1A. */
    countryCode: numericCode,
    /** Transaction currency code 5F2A and its exponent 5F36. */
    currencyCode: numericCode,
    currencyExponent: z.number().int().min(0).max(3),
    /** Interface device serial number 9F1E: 8 ASCII characters. */
    ifdSerialNumber: z.string().regex(/^[\x20-\x7e]{8}$/, "must be 8 printable ASCII characters"),
    /** Merchant category code 9F15. */
    merchantCategoryCode: z.string().regex(/^\d{4}$/, "must be 4 digits"),
    /** Terminal identification 9F1C (8 characters, the 8583 field 41). */
    terminalId: z.string().regex(/^[\x20-\x7e]{8}$/, "must be 8 printable ASCII characters"),
    /** Merchant identifier 9F16 (15 characters, field 42). */
    merchantId: z.string().regex(/^[\x20-\x7e]{15}$/, "must be 15 printable ASCII characters"),
    /** Terminal can show a list and take a choice (cardholder confirmation, Book 1 §12.4). */
    supportsCardholderConfirmation: z.boolean(),
    aids: z.array(aidSchema).min(1, "at least one AID is needed"),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.aids.forEach((aid, index) => {
      const key = aid.aid.toUpperCase();
      if (seen.has(key))
        ctx.addIssue({ code: "custom", message: "duplicate AID", path: ["aids", index, "aid"] });
      seen.add(key);
      if (aid.randomSelection.targetPercent > 0 && aid.randomSelection.threshold >= aid.floorLimit) {
        ctx.addIssue({
          code: "custom",
          message: "threshold must be below the floor limit when random selection is on",
          path: ["aids", index, "randomSelection", "threshold"],
        });
      }
    });
  });

export type TerminalConfigInput = z.input<typeof terminalConfigSchema>;

export interface RandomSelection {
  threshold: number;
  targetPercent: number;
  maxTargetPercent: number;
}

export interface ContactlessLimits {
  transactionLimit: number;
  floorLimit: number;
  cvmLimit: number;
  ecTransactionLimit?: number;
  ttq?: Buffer;
  kernelId?: number;
}

/** One AID the terminal supports, with its risk parameters (values as bytes). */
export interface AidConfig {
  aid: Buffer;
  partialSelection: boolean;
  label?: string;
  applicationVersion: Buffer;
  tacDenial: Buffer;
  tacOnline: Buffer;
  tacDefault: Buffer;
  floorLimit: number;
  randomSelection: RandomSelection;
  defaultDdol: Buffer;
  defaultTdol?: Buffer;
  onlinePinSupported: boolean;
  contactless?: ContactlessLimits;
}

export interface TerminalConfig {
  terminalCapabilities: Buffer;
  additionalCapabilities: Buffer;
  /** 9F35 as a byte (0x22). */
  terminalType: number;
  countryCode: Buffer;
  currencyCode: Buffer;
  currencyExponent: number;
  ifdSerialNumber: string;
  merchantCategoryCode: Buffer;
  terminalId: string;
  merchantId: string;
  supportsCardholderConfirmation: boolean;
  aids: AidConfig[];
}

function settingPath(path: PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "terminal config";
}

const bytes = (hex: string) => Buffer.from(hex, "hex");

/** Validates a terminal configuration (from JSON or code) and turns it into byte values. */
export function parseTerminalConfig(input: unknown): TerminalConfig {
  const result = terminalConfigSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new TerminalConfigError(settingPath(issue.path), issue.message);
  }
  const c = result.data;
  return {
    terminalCapabilities: bytes(c.terminalCapabilities),
    additionalCapabilities: bytes(c.additionalCapabilities),
    terminalType: Number.parseInt(c.terminalType, 16),
    countryCode: bytes(c.countryCode),
    currencyCode: bytes(c.currencyCode),
    currencyExponent: c.currencyExponent,
    ifdSerialNumber: c.ifdSerialNumber,
    merchantCategoryCode: bytes(c.merchantCategoryCode),
    terminalId: c.terminalId,
    merchantId: c.merchantId,
    supportsCardholderConfirmation: c.supportsCardholderConfirmation,
    aids: c.aids.map((a) => ({
      aid: bytes(a.aid),
      partialSelection: a.partialSelection,
      ...(a.label === undefined ? {} : { label: a.label }),
      applicationVersion: bytes(a.applicationVersion),
      tacDenial: bytes(a.tacDenial),
      tacOnline: bytes(a.tacOnline),
      tacDefault: bytes(a.tacDefault),
      floorLimit: a.floorLimit,
      randomSelection: { ...a.randomSelection },
      defaultDdol: bytes(a.defaultDdol),
      ...(a.defaultTdol === undefined ? {} : { defaultTdol: bytes(a.defaultTdol) }),
      onlinePinSupported: a.onlinePinSupported,
      ...(a.contactless === undefined
        ? {}
        : {
            contactless: {
              transactionLimit: a.contactless.transactionLimit,
              floorLimit: a.contactless.floorLimit,
              cvmLimit: a.contactless.cvmLimit,
              ...(a.contactless.ecTransactionLimit === undefined
                ? {}
                : { ecTransactionLimit: a.contactless.ecTransactionLimit }),
              ...(a.contactless.ttq === undefined ? {} : { ttq: bytes(a.contactless.ttq) }),
              ...(a.contactless.kernelId === undefined ? {} : { kernelId: a.contactless.kernelId }),
            },
          }),
    })),
  };
}

/** The AID record for a selected application: exact match, else the longest partial match allowed. */
export function findAidConfig(config: TerminalConfig, dfName: Buffer): AidConfig | undefined {
  let best: AidConfig | undefined;
  for (const entry of config.aids) {
    if (entry.aid.equals(dfName)) return entry;
    const prefix = dfName.length > entry.aid.length && dfName.subarray(0, entry.aid.length).equals(entry.aid);
    if (prefix && entry.partialSelection && (!best || entry.aid.length > best.aid.length)) best = entry;
  }
  return best;
}

/**
 * UnionPay (CUP / PBOC 3.0) terminal record as a CUP TMS delivers it (vector
 * `unionpay-aid-params-cup-format`: DF13 0010000000, DF12 584024F830, DF11 584000A800, 9F09 0030,
 * DF14 9F3704, DF18 01, DF01 00 = partial). Floor limit 0: CUP POS terminals go online for every
 * sale; random selection off.
 */
const cupAid = (aid: string, label: string): TerminalConfigInput["aids"][number] => ({
  aid,
  partialSelection: true,
  label,
  applicationVersion: "0030",
  tacDenial: "0010000000",
  tacOnline: "584024F830",
  tacDefault: "584000A800",
  floorLimit: 0,
  randomSelection: { threshold: 0, targetPercent: 0, maxTargetPercent: 0 },
  defaultDdol: "9F3704",
  onlinePinSupported: true,
  contactless: {
    transactionLimit: 100_000_000,
    floorLimit: 0,
    cvmLimit: 100_000,
    ecTransactionLimit: 100_000,
    ttq: "26000080",
    kernelId: 7,
  },
});

/** Defaults of a UnionPay-acquiring terminal in China (research notes §1.13, §4). */
export const UNIONPAY_DEFAULTS: TerminalConfigInput = {
  terminalCapabilities: "E0F8C8",
  additionalCapabilities: "F000F0A001",
  terminalType: "22",
  countryCode: "0156",
  currencyCode: "0156",
  currencyExponent: 2,
  ifdSerialNumber: "00000001",
  merchantCategoryCode: "5311",
  terminalId: "00000001",
  merchantId: "000000000000001",
  supportsCardholderConfirmation: true,
  aids: [
    cupAid("A000000333010101", "UnionPay Debit"),
    cupAid("A000000333010102", "UnionPay Credit"),
    cupAid("A000000333010103", "UnionPay Quasi"),
    cupAid("A000000333010106", "UnionPay E-Cash"),
    {
      aid: "A0000000031010",
      partialSelection: true,
      label: "VISA",
      applicationVersion: "008C",
      tacDenial: "0010000000",
      tacOnline: "D84000F800",
      tacDefault: "D84000A800",
      floorLimit: 0,
      randomSelection: { threshold: 0, targetPercent: 0, maxTargetPercent: 0 },
      defaultDdol: "9F3704",
      onlinePinSupported: true,
    },
    {
      aid: "A0000000041010",
      partialSelection: true,
      label: "MASTERCARD",
      applicationVersion: "0002",
      tacDenial: "0000000000",
      tacOnline: "F850ACF800",
      tacDefault: "F850ACA000",
      floorLimit: 0,
      randomSelection: { threshold: 0, targetPercent: 0, maxTargetPercent: 0 },
      defaultDdol: "9F3704",
      onlinePinSupported: true,
    },
  ],
};

/** The UnionPay defaults, parsed; `overrides` replace top-level settings. */
export function unionPayTerminalConfig(overrides: Partial<TerminalConfigInput> = {}): TerminalConfig {
  return parseTerminalConfig({ ...UNIONPAY_DEFAULTS, ...overrides });
}
