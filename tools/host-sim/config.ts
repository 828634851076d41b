import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { FINANCIAL_TRANSACTIONS, MANAGEMENT_TRANSACTIONS } from "../../protocol/iso8583/cup/transactions.js";
import { tmsConfigSchema } from "./tms-config.js";

/**
 * Everything the host simulator reads from data: its config file, card files and scenario files.
 * Validated with zod; an error names the setting at fault ("cards[2].pan", "behaviours[0].delayMs").
 */
export class HostSimConfigError extends Error {
  override name = "HostSimConfigError";
  readonly setting: string;

  constructor(setting: string, message: string, options: { cause?: unknown } = {}) {
    super(`${setting}: ${message}`, options);
    this.setting = setting;
  }
}

const hex = (what: string) => z.string().regex(/^([0-9A-Fa-f]{2})+$/, `${what} must be hex, whole bytes`);
/** A TDES key as hex: 16 or 24 bytes. */
export const tdesKeyHex = hex("key").refine(
  (v) => v.length === 32 || v.length === 48,
  "must be 32 or 48 hex digits",
);
const doubleKeyHex = hex("key").refine((v) => v.length === 32, "must be 32 hex digits (a double-length key)");
const fen = z.number().int().min(0).max(999_999_999_999);
const terminalId = z.string().regex(/^[\x20-\x7e]{8}$/, "must be 8 printable ASCII characters");
const merchantId = z.string().regex(/^[\x20-\x7e]{15}$/, "must be 15 printable ASCII characters");
const responseCodeText = z
  .string()
  .regex(/^[0-9A-Z]{2}$/, "must be a 2-character response code such as 05 or A0");

export const TRANSACTION_NAMES = [...FINANCIAL_TRANSACTIONS, ...MANAGEMENT_TRANSACTIONS, "reversal"] as const;
export type SimTransaction = (typeof TRANSACTION_NAMES)[number];

/** What the host does differently to a matching message. Several switches combine. */
export const behaviourActionSchema = z.strictObject({
  /** Decline (or answer) with this field 39 instead of the computed one. */
  respondWith: responseCodeText.optional(),
  /** Answer after this many ms (a late answer; past the terminal's timeout when large enough). */
  delayMs: z.number().int().min(0).max(600_000).optional(),
  /** Never answer (the message is processed, the connection stays open). */
  noAnswer: z.boolean().optional(),
  /** Close the connection instead of answering: before processing the request, or after (host-side approved). */
  drop: z.enum(["before", "after"]).optional(),
  /** Answer with a corrupted field 64. */
  badMac: z.boolean().optional(),
  /** Answer with random bytes: "framed" behind a valid length prefix, "raw" as they come. */
  garbage: z.enum(["framed", "raw"]).optional(),
  /** The response header's 处理要求 digit: 1 parameter download, 3 re-sign-in, 4 CAPK, 5 IC parameters… */
  processingRequirement: z.number().int().min(0).max(9).optional(),
});
export type BehaviourAction = z.infer<typeof behaviourActionSchema>;

export const behaviourMatchSchema = z.strictObject({
  pan: z
    .string()
    .regex(/^\d{12,19}$/, "must be 12..19 digits")
    .optional(),
  /** Exact amount in fen. */
  amount: fen.optional(),
  amountMin: fen.optional(),
  amountMax: fen.optional(),
  transaction: z.union([z.enum(TRANSACTION_NAMES), z.array(z.enum(TRANSACTION_NAMES)).min(1)]).optional(),
  mti: z
    .string()
    .regex(/^\d{4}$/, "must be 4 digits")
    .optional(),
  terminalId: terminalId.optional(),
  merchantId: merchantId.optional(),
});
export type BehaviourMatch = z.infer<typeof behaviourMatchSchema>;

export const behaviourRuleSchema = behaviourActionSchema.extend({
  name: z.string().max(80).optional(),
  match: behaviourMatchSchema.default({}),
  /** Fire for the first N matching messages only. */
  times: z.number().int().min(1).optional(),
});
export type BehaviourRuleInput = z.input<typeof behaviourRuleSchema>;
export type BehaviourRule = z.infer<typeof behaviourRuleSchema>;

export const scenarioFileSchema = z.union([
  z.array(behaviourRuleSchema),
  z.strictObject({ name: z.string().optional(), behaviours: z.array(behaviourRuleSchema) }),
]);

export const emvProfileSchema = z.strictObject({
  /** Issuer master key for application cryptograms (IMK-AC), 32 hex digits. */
  imkAc: doubleKeyHex,
  /** PAN sequence number (5F34 / field 23), 2 digits. */
  psn: z
    .string()
    .regex(/^\d{2}$/, "must be 2 digits")
    .default("00"),
  /** Return an ARPC (tag 91, method 1) in approved and declined answers. */
  arpc: z.boolean().default(true),
  /** Key for ARPC method 1: the AC session key (PBOC/CSK) or the ICC master key (VSDC/M-Chip). */
  arpcKey: z.enum(["session", "icc-master"]).default("session"),
  /** Issuer script templates (value bytes of 71 / 72) returned with every online answer. */
  issuerScripts: z
    .strictObject({ "71": hex("issuer script 71").optional(), "72": hex("issuer script 72").optional() })
    .optional(),
});
export type EmvProfile = z.infer<typeof emvProfileSchema>;

export const cardProfileSchema = z.strictObject({
  pan: z.string().regex(/^\d{12,19}$/, "must be 12..19 digits"),
  /** The card's PIN (test data only). Held as a Buffer once loaded. */
  pin: z.string().regex(/^\d{4,12}$/, "must be 4..12 digits"),
  name: z.string().max(100).optional(),
  /** Balance (debit) or available credit (credit), in fen. */
  balance: fen,
  scheme: z.enum(["CUP", "VIS", "MCC"]).default("CUP"),
  /** Domestic (RMB settlement block) or foreign; default: CUP cards are domestic. */
  domestic: z.boolean().optional(),
  accountType: z.enum(["debit", "credit"]).default("debit"),
  /** Largest single transaction in fen (61 above it). */
  perTxnLimit: fen.optional(),
  /** Largest total of debits per calendar day in fen (61 above it). */
  dailyLimit: fen.optional(),
  /** YYMM; an expired card is declined 54. */
  expiry: z
    .string()
    .regex(/^\d{4}$/, "must be YYMM")
    .optional(),
  emv: emvProfileSchema.optional(),
  /** Switches applied to every message for this card. */
  behaviour: behaviourActionSchema.optional(),
});
export type CardProfileInput = z.input<typeof cardProfileSchema>;
export type CardProfile = z.infer<typeof cardProfileSchema>;

export const cardsFileSchema = z.union([
  z.array(cardProfileSchema),
  z.strictObject({ cards: z.array(cardProfileSchema) }),
]);

export const terminalEntrySchema = z.strictObject({
  terminalId,
  merchantId,
  /** This terminal's TMK; default: the simulator's TMK. */
  tmk: tdesKeyHex.optional(),
});

export const merchantEntrySchema = z.strictObject({
  merchantId,
  name: z.string().max(60).optional(),
  /** 实时到账 / D0: a settlement record per approved sale. */
  instantSettlement: z.boolean().default(false),
  /** D0 fee as a fraction of the amount (0.006 = 0.6%). */
  feeRate: z.number().min(0).max(0.1).default(0.006),
});
export type MerchantEntry = z.infer<typeof merchantEntrySchema>;

const listen = z
  .string()
  .regex(/^[^:\s]+:\d{1,5}$/, "must be HOST:PORT, e.g. 127.0.0.1:0")
  .refine((v) => Number(v.slice(v.lastIndexOf(":") + 1)) <= 65535, "port must be 0..65535");

/** The data part of the configuration (JSON file and in-process options alike). */
export const hostSimConfigSchema = z.strictObject({
  /** Default TMK for every terminal (32 or 48 hex digits). */
  tmk: tdesKeyHex.optional(),
  /** When present, only these terminals are served (others get 97). */
  terminals: z.array(terminalEntrySchema).optional(),
  merchants: z.array(merchantEntrySchema).optional(),
  /** Request/response MAC: CUP POS ECB (default) or ANSI X9.19 (8 raw bytes). */
  mac: z.enum(["pos-ecb", "x9.19"]).default("pos-ecb"),
  /** MAC every response except 0810/0830, A0 and format errors. */
  macResponses: z.boolean().default(true),
  /** Batch number handed out at the first sign-in (60.2). */
  initialBatch: z
    .string()
    .regex(/^\d{6}$/, "must be 6 digits")
    .default("000001"),
  /** Field 32 and the acquirer part of field 44. */
  acquirerId: z
    .string()
    .regex(/^\d{1,11}$/, "must be 1..11 digits")
    .default("48523310"),
  /** Issuer part of field 44. */
  issuerId: z
    .string()
    .regex(/^[\x20-\x7e]{1,11}$/, "must be 1..11 printable characters")
    .default("03080000"),
  /** A completion may exceed its pre-authorisation by this fraction (CUP: 15%). */
  completionTolerance: z.number().min(0).max(1).default(0.15),
  /** Largest frame body accepted; a bigger length prefix closes the connection. */
  maxFrameLength: z.number().int().min(64).max(65535).default(8192),
  /** TMS downloads (parameters, CAPKs, AIDs, black list): tms-config.ts; defaults when absent. */
  tms: tmsConfigSchema.optional(),
  cards: z.array(cardProfileSchema).optional(),
  /** Card file (paths in a config file are relative to it). */
  cardsFile: z.string().min(1).optional(),
  behaviours: z.array(behaviourRuleSchema).optional(),
  scenarioFile: z.string().min(1).optional(),
  /** CLI: where to listen. */
  listen: listen.optional(),
  /** CLI: transaction log file. */
  logFile: z.string().min(1).optional(),
  /** CLI: ledger JSON written at shutdown. */
  ledgerFile: z.string().min(1).optional(),
  /** PEM files for TLS; mutual TLS when clientCa is given. */
  tls: z
    .strictObject({ cert: z.string().min(1), key: z.string().min(1), clientCa: z.string().min(1).optional() })
    .optional(),
});
export type HostSimConfigInput = z.input<typeof hostSimConfigSchema>;
export type HostSimConfig = z.infer<typeof hostSimConfigSchema>;

function settingPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    out += typeof part === "number" ? `[${part}]` : out === "" ? String(part) : `.${String(part)}`;
  }
  return out || "(root)";
}

/** Parses with a schema; the first issue becomes a HostSimConfigError naming the setting. */
export function parseSetting<S extends z.ZodType>(schema: S, value: unknown, prefix = ""): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new HostSimConfigError(settingPath(prefix, issue.path), issue.message);
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new HostSimConfigError(what, `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HostSimConfigError(what, `${file} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Reads a card file: an array of cards or `{ "cards": [...] }`. */
export function loadCardsFile(file: string): CardProfile[] {
  const parsed = parseSetting(cardsFileSchema, readJson(file, "cardsFile"), file);
  return Array.isArray(parsed) ? parsed : parsed.cards;
}

/** Reads a scenario file: an array of behaviour rules or `{ "behaviours": [...] }`. */
export function loadScenarioFile(file: string): BehaviourRule[] {
  const parsed = parseSetting(scenarioFileSchema, readJson(file, "scenarioFile"), file);
  return Array.isArray(parsed) ? parsed : parsed.behaviours;
}

/**
 * Reads a config file; `cardsFile`, `scenarioFile`, `logFile`, `ledgerFile` and the TLS paths are
 * resolved against the file's directory, and card / scenario files are loaded into `cards` / `behaviours`.
 */
export function loadConfigFile(file: string): HostSimConfig {
  const config = parseSetting(hostSimConfigSchema, readJson(file, "config"), file);
  const base = dirname(resolve(file));
  const at = (p: string) => resolve(base, p);
  // Loaded here, relative to the config file; the file settings are then spent.
  if (config.cardsFile) config.cards = [...(config.cards ?? []), ...loadCardsFile(at(config.cardsFile))];
  if (config.scenarioFile) {
    config.behaviours = [...(config.behaviours ?? []), ...loadScenarioFile(at(config.scenarioFile))];
  }
  delete config.cardsFile;
  delete config.scenarioFile;
  if (config.logFile) config.logFile = at(config.logFile);
  if (config.ledgerFile) config.ledgerFile = at(config.ledgerFile);
  if (config.tls) {
    config.tls = {
      cert: at(config.tls.cert),
      key: at(config.tls.key),
      ...(config.tls.clientCa ? { clientCa: at(config.tls.clientCa) } : {}),
    };
  }
  return config;
}
