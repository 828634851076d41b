import { z } from "zod";

// The config is parsed once at boot: zod's schema compiler would cost more than it saves (bench/terminal.ts).
z.config({ jitless: true });

import { adminSettingsSchema } from "../admin/permissions.js";
import { UNIONPAY_DEFAULTS } from "../emv/shared/terminal-config.js";
import {
  alphanumeric,
  ascii,
  bool,
  digits,
  fen,
  filePath,
  hex4,
  integer,
  oneOf,
  text,
} from "./setting-types.js";

/**
 * The terminal configuration file: one JSON object, every section strict (an unknown key is refused,
 * named by its path) and every default spelled out here. Amounts are integer fen, times are ms unless
 * the name says otherwise. Cross-setting rules (a feature needs its device…) live in cross-checks.ts.
 */

const terminalSection = z.strictObject({
  /** Field 41: 8 letters or digits. */
  terminalId: alphanumeric(8),
  /** Field 42: 15 letters or digits. */
  merchantId: alphanumeric(15),
  /** Printed on the slip (商户名称); Chinese allowed. */
  merchantName: text(1, 40),
  /** The English line of the slip, where the acquirer prints one. */
  merchantNameEn: ascii(1, 40).optional(),
  /** Operator number (操作员号) used until an operator signs in. */
  operator: z
    .string({ error: "expected 2 or 3 digits" })
    .regex(/^[0-9]{2,3}$/, { error: "expected 2 or 3 digits" })
    .default("01"),
  /** Hardware serial number; its last 8 characters become the EMV IFD serial number 9F1E unless emv sets one. */
  serialNumber: ascii(1, 32).optional(),
});

const pinSha256 = z
  .string({ error: "expected a base64 SHA-256 public key pin (44 characters)" })
  .regex(/^[A-Za-z0-9+/]{43}=$/, { error: "expected a base64 SHA-256 public key pin (44 characters)" });

const tlsSection = z.strictObject({
  /** PEM CA bundle for the acquirer's certificate; default: Node's bundled roots. */
  ca: filePath().optional(),
  /** Client certificate and key (PEM) for mutual TLS: both or neither. */
  cert: filePath().optional(),
  key: filePath().optional(),
  /** SNI and the name checked in the certificate, when it differs from host. */
  servername: ascii(1, 253).optional(),
  /** Accepted SPKI SHA-256 pins (base64); empty or absent = no pinning. */
  pinSha256: z.array(pinSha256, { error: "expected a list of pins" }).optional(),
});

const hostName = z
  .string({ error: "expected a host name or IP address" })
  .regex(
    /^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)$/,
    {
      error: "expected a host name or IP address",
    },
  );

const hostSection = z.strictObject({
  /** "modem": the socket of the 4G modem (devices.modem); "tcp"/"tls": the board's own network. */
  transport: oneOf(["tcp", "tls", "modem"]),
  host: hostName,
  port: integer(1, 65535),
  /** Only with transport "tls". */
  tls: tlsSection.optional(),
  /**
   * The modem's data connection (transport "modem"): CMNET (China Mobile), UNINET (Unicom), CTNET
   * (Telecom) or the acquirer's private APN.
   */
  apn: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/, { error: "expected an APN (letters, digits, dots, dashes)" })
    .default("CMNET"),
  connectTimeoutMs: integer(100, 120_000).default(10_000),
  /** How long a request waits for its answer before a reversal is due (CUP hosts: 30..60 s). */
  responseTimeoutMs: integer(1_000, 300_000).default(30_000),
  keepAlive: bool().default(true),
  /** TPDU addresses (the NII routing the acquirer's front end uses). */
  tpdu: z.strictObject({ destination: hex4().default("0003"), source: hex4().default("0000") }).prefault({}),
  /** The 6-byte CUP header; terminal status and processing requirement are set per message. */
  header: z
    .strictObject({
      applicationType: digits(2).default("60"),
      specVersion: digits(2).default("31"),
      softwareVersion: digits(6).default("000000"),
    })
    .prefault({}),
  /** Attempts to send one reversal before it is marked abandoned. */
  reversalRetries: integer(0, 10).default(3),
  /** Reconnect back-off: doubles from initialMs up to maxMs. */
  backoff: z
    .strictObject({
      initialMs: integer(10, 60_000).default(1_000),
      maxMs: integer(10, 600_000).default(30_000),
    })
    .prefault({}),
});

/** Standard UART speeds; a typo such as 11520 would otherwise only show as garbage on the wire. */
export const BAUD_RATES = [
  1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600,
] as const;

/** The serial devices a terminal may have; each is optional (a QR-only or tap-only terminal is legal). */
export const DEVICE_NAMES = ["pinpad", "contact", "magstripe", "nfc", "printer", "modem"] as const;
export type DeviceName = (typeof DEVICE_NAMES)[number];

export type BaudRate = (typeof BAUD_RATES)[number];

/** Line speed when a device leaves it out (PN532 HSU 115200, serial MSRs 9600). */
export const DEFAULT_BAUD_RATES: Readonly<Record<DeviceName, BaudRate>> = {
  pinpad: 115200,
  contact: 115200,
  magstripe: 9600,
  nfc: 115200,
  printer: 115200,
  modem: 115200,
};

const devicePort = (device: DeviceName) =>
  z.strictObject({ path: filePath(), baudRate: oneOf(BAUD_RATES).default(DEFAULT_BAUD_RATES[device]) });

const devicesSection = z.strictObject(
  Object.fromEntries(DEVICE_NAMES.map((d) => [d, devicePort(d).optional()])) as {
    [D in DeviceName]: z.ZodOptional<ReturnType<typeof devicePort>>;
  },
);

/** A local listening address (the ECR link); port 0 picks a free one. Loopback unless the LAN needs it. */
const listenAddress = z.strictObject({ host: hostName.default("127.0.0.1"), port: integer(0, 65535) });

/** Cash-register (ECR) links (docs/ecr-protocol.md): any of TCP, WebSocket and a serial port. */
const ecrSection = z.strictObject({
  tcp: listenAddress.optional(),
  ws: listenAddress.extend({ path: z.string().startsWith("/").optional() }).optional(),
  serial: z.strictObject({ path: filePath(), baudRate: oneOf(BAUD_RATES).default(9600) }).optional(),
});

const storageSection = z.strictObject({
  /** Journal, key store and print spool live under this directory. */
  dir: filePath().default("/var/lib/pos"),
});

/** Placeholders an e-receipt URL may use; filled from the journal row. */
export const E_RECEIPT_PLACEHOLDERS = ["terminalId", "merchantId", "batch", "stan", "rrn", "orderId", "date"];

const urlTemplate = z
  .string({ error: "expected an http(s) URL" })
  .regex(/^https?:\/\/[^\s]+$/, { error: "expected an http(s) URL" })
  .refine((url) => [...url.matchAll(/\{([^}]*)\}/g)].every((m) => E_RECEIPT_PLACEHOLDERS.includes(m[1]!)), {
    error: `placeholders must be among ${E_RECEIPT_PLACEHOLDERS.map((p) => `{${p}}`).join(" ")}`,
  });

const slipLines = z
  .array(text(1, 48), { error: "expected a list of lines" })
  .max(6, { error: "at most 6 lines" });

const receiptsSection = z.strictObject({
  /** Merchant copy, cardholder copy, and a third (bank) copy where asked. */
  copies: integer(1, 3).default(2),
  /** 58 mm paper: 32 columns; 80 mm: 48. */
  columns: oneOf([32, 48]).default(32),
  headerLines: slipLines.optional(),
  footerLines: slipLines.optional(),
  /** Prints a QR of this URL (placeholders filled) on the cardholder copy. */
  eReceipt: z.strictObject({ urlTemplate }).optional(),
  /** 免密免签: at or below this amount no signature is asked (UnionPay: 1000 yuan). */
  noSignatureLimit: fen().default(100_000),
});

const limitsSection = z.strictObject({
  /** Largest single sale, pre-authorisation, completion or refund. */
  perTransaction: fen(1).default(10_000_000),
  /** Largest total of approved charges in one day. */
  daily: fen(1).default(50_000_000),
  /** From this amount on the operator confirms before the card is read (大额确认). */
  largeAmount: fen(1).default(1_000_000),
  velocity: z
    .strictObject({
      /** Approvals one card may have inside the window; 0 switches the check off. */
      maxPerCard: integer(0, 1000).default(5),
      windowMinutes: integer(1, 1440).default(10),
    })
    .prefault({}),
});

const featuresSection = z.strictObject({
  swipe: bool().default(true),
  insert: bool().default(true),
  tap: bool().default(true),
  qr: bool().default(true),
  void: bool().default(true),
  refund: bool().default(true),
  preauth: bool().default(true),
  balance: bool().default(true),
  tips: bool().default(false),
  /** A chip card read by its stripe after the chip failed. */
  fallback: bool().default(true),
  /** 实时到账 / D0, only where the acquirer contract has it. */
  instantSettlement: bool().default(false),
});

/** The EMV settings a file may override; terminal and merchant IDs come from `terminal`. */
export const EMV_OVERRIDABLE = Object.keys(UNIONPAY_DEFAULTS).filter(
  (k) => k !== "terminalId" && k !== "merchantId",
);

/** Values are checked by parseTerminalConfig once merged over the UnionPay defaults (see emv-section.ts). */
const emvSection = z.strictObject(
  Object.fromEntries(EMV_OVERRIDABLE.map((k) => [k, z.unknown().optional()])) as Record<
    string,
    z.ZodOptional<z.ZodUnknown>
  >,
);

const logSection = z.strictObject({
  level: oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Default: standard output. */
  file: filePath().optional(),
});

export const terminalSettingsSchema = z.strictObject({
  terminal: terminalSection,
  host: hostSection,
  devices: devicesSection.prefault({}),
  storage: storageSection.prefault({}),
  receipts: receiptsSection.prefault({}),
  limits: limitsSection.prefault({}),
  features: featuresSection.prefault({}),
  emv: emvSection.optional(),
  log: logSection.prefault({}),
  ecr: ecrSection.optional(),
  /** Roles' permissions (firmware/admin): which functions need the administrator. */
  admin: adminSettingsSchema,
});

export type TerminalSettingsSchema = typeof terminalSettingsSchema;
