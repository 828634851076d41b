import { buildAtr } from "../../protocol/iso7816/index.js";
import { encodeTlv, type TlvNode } from "../../protocol/tlv/index.js";
import type { ScriptedCardProfile } from "./virtual-card.js";

/**
 * The rig's built-in cards: the host simulator's test cards (tools/host-sim/default-cards.ts, same PANs
 * and expiry), so a swipe, insert or tap on the rig leads to a transaction the simulator knows. Tracks are
 * built from PAN + expiry + service code; chip cards (the simulator's EMV cards) carry service code 201
 * or 220, an ATR, an ISO 14443-A identity and answers to SELECT only — real EMV behaviour (GPO, records,
 * cryptograms from the card's keys) arrives with the EMV issue. Public test data, issued by nobody.
 */

interface TestCardSpec {
  name: string;
  pan: string;
  /** YYMM. */
  expiry: string;
  cardholder: string;
  /** A chip card: its application and the protocol of its ATR. */
  chip?: { aid: string; label: string; serviceCode: "201" | "220"; protocol: 0 | 1 };
}

/** Far enough ahead that the simulator never declines a default card as expired (54). */
const VALID_EXPIRY = "3012";
/** Magnetic-stripe-only cards: international, normal authorisation, no restrictions. */
const MAGSTRIPE_SERVICE_CODE = "101";

const UNIONPAY_DEBIT = "A000000333010101";
const UNIONPAY_CREDIT = "A000000333010102";
const MASTERCARD_CREDIT = "A0000000041010";

const SPECS: readonly TestCardSpec[] = [
  { name: "cup-magstripe", pan: "6222021000000000014", expiry: VALID_EXPIRY, cardholder: "MAGSTRIPE/CUP" },
  { name: "cup-credit", pan: "6228480000000000025", expiry: VALID_EXPIRY, cardholder: "CREDIT/CUP" },
  {
    name: "cup-debit",
    pan: "6217000000000000033",
    expiry: VALID_EXPIRY,
    cardholder: "DEBIT/CUP",
    chip: { aid: UNIONPAY_DEBIT, label: "UnionPay Debit", serviceCode: "220", protocol: 0 },
  },
  {
    name: "cup-credit-scripts",
    pan: "6258070000000000045",
    expiry: VALID_EXPIRY,
    cardholder: "SCRIPTS/CUP",
    chip: { aid: UNIONPAY_CREDIT, label: "UnionPay Credit", serviceCode: "201", protocol: 0 },
  },
  { name: "cup-low-balance", pan: "6214830000000000054", expiry: VALID_EXPIRY, cardholder: "LOW/CUP" },
  { name: "visa-foreign", pan: "4761739001010016", expiry: VALID_EXPIRY, cardholder: "FOREIGN/VISA" },
  {
    name: "mc-credit",
    pan: "5413330089010431",
    expiry: VALID_EXPIRY,
    cardholder: "FOREIGN/MC",
    chip: { aid: MASTERCARD_CREDIT, label: "Mastercard", serviceCode: "201", protocol: 1 },
  },
  { name: "cup-declined", pan: "6222021000000000069", expiry: VALID_EXPIRY, cardholder: "DECLINED/CUP" },
  { name: "cup-expired", pan: "6222021000000000078", expiry: "2001", cardholder: "EXPIRED/CUP" },
];

const PSE = Buffer.from("1PAY.SYS.DDF01", "latin1");
const PPSE = Buffer.from("2PAY.SYS.DDF01", "latin1");
const SW_OK = "9000";

const hex = (bytes: Buffer): string => bytes.toString("hex").toUpperCase();
const tlv = (tag: string, value: Buffer | string): TlvNode => ({
  tag,
  value: Buffer.isBuffer(value) ? value : Buffer.from(value, "hex"),
});
const template = (tag: string, children: TlvNode[]): TlvNode => ({ tag, value: Buffer.alloc(0), children });

/** Track 2: PAN = YYMM service code, discretionary zeros up to the track's 37 characters (at most 10). */
export function buildTrack2(pan: string, expiry: string, serviceCode: string): string {
  const core = `${pan}=${expiry}${serviceCode}`;
  return core + "0".repeat(Math.max(0, Math.min(10, 37 - core.length)));
}

/** Track 1 (format B): B PAN ^ NAME ^ YYMM service code, discretionary zeros. */
export function buildTrack1(pan: string, cardholder: string, expiry: string, serviceCode: string): string {
  return `B${pan}^${cardholder}^${expiry}${serviceCode}000000000`;
}

/** SELECT command prefix (CLA INS P1 P2 Lc name): Le is left out so commands with and without it match. */
function selectPrefix(name: Buffer): string {
  return `00A40400${name.length.toString(16).padStart(2, "0")}${hex(name)}`.toUpperCase();
}

function directoryEntry(aid: Buffer, label: string): TlvNode {
  return template("61", [tlv("4F", aid), tlv("50", Buffer.from(label, "latin1")), tlv("87", "01")]);
}

function chipResponses(chip: NonNullable<TestCardSpec["chip"]>): Record<string, string> {
  const aid = Buffer.from(chip.aid, "hex");
  const label = Buffer.from(chip.label, "latin1");
  const pse = encodeTlv([template("6F", [tlv("84", PSE), template("A5", [tlv("88", "01")])])]);
  const directory = encodeTlv([template("70", [directoryEntry(aid, chip.label)])]);
  const ppse = encodeTlv([
    template("6F", [tlv("84", PPSE), template("A5", [template("BF0C", [directoryEntry(aid, chip.label)])])]),
  ]);
  const application = encodeTlv([
    template("6F", [
      tlv("84", aid),
      template("A5", [tlv("50", label), tlv("87", "01"), tlv("5F2D", "7A68656E")]),
    ]),
  ]);
  return {
    [selectPrefix(PSE)]: hex(pse) + SW_OK,
    // READ RECORD 1 of SFI 1: the PSE directory.
    "00B2010C": hex(directory) + SW_OK,
    [selectPrefix(PPSE)]: hex(ppse) + SW_OK,
    [selectPrefix(aid)]: hex(application) + SW_OK,
  };
}

function chipAtr(protocol: 0 | 1): string {
  if (protocol === 0) return "3B600000";
  // T=1 with IFSC 254 and BWI 4 / CWI 5, as EMV cards announce it.
  return hex(
    buildAtr({ groups: [{ tb: 0x00, tc: 0x00, protocol: 1 }, { protocol: 1 }, { ta: 0xfe, tb: 0x45 }] }),
  );
}

function profile(spec: TestCardSpec): ScriptedCardProfile {
  const serviceCode = spec.chip?.serviceCode ?? MAGSTRIPE_SERVICE_CODE;
  const tracks = {
    track1: buildTrack1(spec.pan, spec.cardholder, spec.expiry, serviceCode),
    track2: buildTrack2(spec.pan, spec.expiry, serviceCode),
  };
  if (!spec.chip) return { name: spec.name, tracks, responses: {} };
  return {
    name: spec.name,
    atr: chipAtr(spec.chip.protocol),
    // A random-UID (08…) ISO 14443-4 card; the UID follows the PAN's last digits so each card differs.
    contactless: { uid: `08${spec.pan.slice(-6)}`, atqa: "0004", sak: 0x20, ats: "0578807002" },
    tracks,
    responses: chipResponses(spec.chip),
  };
}

/** The built-in card set, in the host simulator's order. */
export const DEFAULT_RIG_CARDS: readonly ScriptedCardProfile[] = SPECS.map(profile);
