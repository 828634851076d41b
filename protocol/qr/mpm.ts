import { crc16Hex } from "./crc16.js";
import { joinObjects, type MpmObject, splitObjects } from "./mpm-objects.js";
import { QrError } from "./qr-error.js";

/**
 * EMVCo merchant-presented mode (MPM) QR payloads: parse + validate, and build with the CRC
 * (emv-research.md §5.1). The terminal shows these on its screen or prints them on the slip.
 */

/** A merchant account information template (26–51) or an unreserved template (80–99); 02–25 are plain. */
export interface MerchantAccount {
  id: string;
  /** The raw value (for a template, its encoded sub-objects). */
  value: string;
  /** Sub-ID 00 of a template: the scheme's GUID / AID / reverse domain. */
  guid?: string;
  /** Other sub-objects of a template by sub-ID. */
  fields?: Record<string, string>;
}

export interface MpmLanguage {
  /** 64.00, ISO 639 two letters, e.g. "ZH". */
  preference: string;
  /** 64.01 merchant name in that language. */
  name: string;
  /** 64.02 merchant city in that language. */
  city?: string;
}

export type TipIndicator = "prompt" | "fixed" | "percentage";

export interface MerchantPresentedQr {
  payloadFormat: "01";
  /** ID 01: 11 static (amount entered by the payer), 12 dynamic (one payment). */
  initiation?: "static" | "dynamic";
  /** IDs 02–51 in payload order. */
  merchantAccounts: MerchantAccount[];
  /** ID 52. */
  mcc: string;
  /** ID 53, ISO 4217 numeric ("156"). */
  currency: string;
  /** ID 54 as printed ("23.72"). */
  amount?: string;
  /** ID 55 with 56 (fixed fee) or 57 (percentage). */
  tip?: { indicator: TipIndicator; value?: string };
  /** ID 58, ISO 3166 alpha-2. */
  country: string;
  merchantName: string;
  merchantCity: string;
  postalCode?: string;
  /** ID 62 sub-objects (01 bill, 03 store, 05 reference, 07 terminal label, 08 purpose, 09 request…). */
  additional?: Record<string, string>;
  language?: MpmLanguage;
  /** IDs 80–99. */
  unreserved: MerchantAccount[];
  /** ID 63 as printed (4 upper-case hex digits). */
  crc: string;
  /** Every data object, templates with their children, for anything not typed above. */
  objects: MpmObject[];
}

/** EMVCo caps an MPM payload at 512 characters. */
export const MAX_MPM_LENGTH = 512;

const isAccountTemplate = (n: number) => n >= 26 && n <= 51;
const isUnreserved = (n: number) => n >= 80 && n <= 99;
/** IDs whose value is itself ID-length-value. */
export function isMpmTemplate(id: string): boolean {
  const n = Number(id);
  return isAccountTemplate(n) || isUnreserved(n) || n === 62 || n === 64;
}

const AMOUNT = /^(?=.{1,13}$)\d+(\.\d+)?$/;
const TIP: Record<string, TipIndicator> = { "01": "prompt", "02": "fixed", "03": "percentage" };

/** Parses and validates an MPM payload. Throws QrError naming the ID and character position. */
export function parseMpm(payload: string): MerchantPresentedQr {
  const chars = Array.from(payload);
  if (chars.length > MAX_MPM_LENGTH) {
    throw new QrError(`${chars.length} characters, more than ${MAX_MPM_LENGTH}`, { path: "payload" });
  }
  const objects = splitObjects(chars, 0);
  const byId = new Map<string, MpmObject>();
  for (const object of objects) {
    if (byId.has(object.id)) {
      throw new QrError("appears twice", { path: `ID ${object.id}`, offset: object.position });
    }
    byId.set(object.id, object);
    if (isMpmTemplate(object.id)) {
      object.children = splitObjects(Array.from(object.value), object.position + 4, object.id);
      checkTemplate(object);
    }
  }
  checkCrc(chars, objects);
  const first = objects[0]!;
  if (first.id !== "00")
    throw new QrError("payload format indicator must come first", { path: "ID 00", offset: 0 });
  if (first.value !== "01")
    throw new QrError(`payload format ${JSON.stringify(first.value)} is not "01"`, {
      path: "ID 00",
      offset: 4,
    });
  const need = (id: string, what: string): MpmObject => {
    const object = byId.get(id);
    if (!object) throw new QrError(`${what} is mandatory`, { path: `ID ${id}` });
    return object;
  };
  const expect = (id: string, pattern: RegExp, what: string): string | undefined => {
    const object = byId.get(id);
    if (object && !pattern.test(object.value)) {
      throw new QrError(`${JSON.stringify(object.value)} is not ${what}`, {
        path: `ID ${id}`,
        offset: object.position + 4,
      });
    }
    return object?.value;
  };
  const mcc = need("52", "merchant category code").value;
  expect("52", /^\d{4}$/, "4 digits");
  const currency = need("53", "transaction currency").value;
  expect("53", /^\d{3}$/, "an ISO 4217 numeric code");
  const country = need("58", "country code").value;
  expect("58", /^[A-Za-z]{2}$/, "an ISO 3166 alpha-2 code");
  const merchantName = need("59", "merchant name").value;
  expect("59", /^.{1,25}$/u, "1..25 characters");
  const merchantCity = need("60", "merchant city").value;
  expect("60", /^.{1,15}$/u, "1..15 characters");
  expect("61", /^.{1,10}$/u, "1..10 characters");
  const amount = expect("54", AMOUNT, "a decimal amount of at most 13 characters");
  const initiation = expect("01", /^1[12]$/, '"11" (static) or "12" (dynamic)');

  const merchantAccounts: MerchantAccount[] = [];
  const unreserved: MerchantAccount[] = [];
  for (const object of objects) {
    const n = Number(object.id);
    if (n >= 2 && n <= 51) merchantAccounts.push(accountOf(object));
    if (isUnreserved(n)) unreserved.push(accountOf(object));
  }
  if (merchantAccounts.length === 0) {
    throw new QrError("at least one merchant account information object (IDs 02–51) is mandatory", {
      path: "ID 02..51",
    });
  }

  const qr: MerchantPresentedQr = {
    payloadFormat: "01",
    merchantAccounts,
    mcc,
    currency,
    country,
    merchantName,
    merchantCity,
    unreserved,
    crc: byId.get("63")!.value.toUpperCase(),
    objects,
  };
  if (initiation !== undefined) qr.initiation = initiation === "11" ? "static" : "dynamic";
  if (amount !== undefined) qr.amount = amount;
  const tip = tipOf(byId);
  if (tip) qr.tip = tip;
  const postal = byId.get("61");
  if (postal) qr.postalCode = postal.value;
  const additional = byId.get("62");
  if (additional) qr.additional = recordOf(additional);
  const language = byId.get("64");
  if (language) {
    const sub = recordOf(language);
    qr.language = {
      preference: sub["00"]!,
      name: sub["01"]!,
      ...(sub["02"] === undefined ? {} : { city: sub["02"] }),
    };
  }
  return qr;
}

function checkCrc(chars: readonly string[], objects: readonly MpmObject[]): void {
  const last = objects[objects.length - 1];
  const crcObject = objects.find((o) => o.id === "63");
  if (!crcObject) throw new QrError("CRC is mandatory", { path: "ID 63" });
  if (crcObject !== last)
    throw new QrError("CRC must be the last data object", { path: "ID 63", offset: crcObject.position });
  if (!/^[0-9A-Fa-f]{4}$/.test(crcObject.value)) {
    throw new QrError(`${JSON.stringify(crcObject.value)} is not 4 hex digits`, {
      path: "ID 63",
      offset: crcObject.position + 4,
    });
  }
  // The CRC covers everything up to and including "6304" — characters, re-joined, so UTF-8 is exact.
  const covered = chars.slice(0, crcObject.position + 4).join("");
  const expected = crc16Hex(covered);
  if (expected !== crcObject.value.toUpperCase()) {
    throw new QrError(`CRC ${crcObject.value} does not match the payload (computed ${expected})`, {
      path: "ID 63",
      offset: crcObject.position + 4,
    });
  }
}

function checkTemplate(object: MpmObject): void {
  const seen = new Set<string>();
  for (const child of object.children!) {
    if (seen.has(child.id)) {
      throw new QrError("appears twice", { path: `ID ${object.id}.${child.id}`, offset: child.position });
    }
    seen.add(child.id);
  }
  const n = Number(object.id);
  const mandatory = isAccountTemplate(n) || isUnreserved(n) ? ["00"] : n === 64 ? ["00", "01"] : [];
  for (const id of mandatory) {
    if (!seen.has(id)) {
      throw new QrError(`sub-ID ${id} is mandatory in this template`, {
        path: `ID ${object.id}.${id}`,
        offset: object.position,
      });
    }
  }
}

function recordOf(object: MpmObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const child of object.children ?? []) out[child.id] = child.value;
  return out;
}

function accountOf(object: MpmObject): MerchantAccount {
  if (!object.children) return { id: object.id, value: object.value };
  const fields = recordOf(object);
  const guid = fields["00"];
  delete fields["00"];
  return { id: object.id, value: object.value, ...(guid === undefined ? {} : { guid }), fields };
}

function tipOf(byId: ReadonlyMap<string, MpmObject>): MerchantPresentedQr["tip"] {
  const indicator = byId.get("55");
  const fixed = byId.get("56");
  const percent = byId.get("57");
  if (!indicator) {
    const stray = fixed ?? percent;
    if (stray) throw new QrError("present without ID 55", { path: `ID ${stray.id}`, offset: stray.position });
    return undefined;
  }
  const kind = TIP[indicator.value];
  if (!kind)
    throw new QrError(`${JSON.stringify(indicator.value)} is not 01, 02 or 03`, {
      path: "ID 55",
      offset: indicator.position + 4,
    });
  const value = kind === "fixed" ? fixed : kind === "percentage" ? percent : undefined;
  if ((kind === "fixed" || kind === "percentage") && !value) {
    throw new QrError(`tip indicator ${indicator.value} needs ID ${kind === "fixed" ? "56" : "57"}`, {
      path: "ID 55",
      offset: indicator.position,
    });
  }
  if (value && !AMOUNT.test(value.value)) {
    throw new QrError(`${JSON.stringify(value.value)} is not a decimal amount`, {
      path: `ID ${value.id}`,
      offset: value.position + 4,
    });
  }
  return value ? { indicator: kind, value: value.value } : { indicator: kind };
}

/** What a terminal fills in to show a merchant code. */
export interface MpmInput {
  initiation?: "static" | "dynamic";
  merchantAccounts: readonly MpmAccountInput[];
  mcc: string;
  currency: string;
  amount?: string;
  tip?: { indicator: TipIndicator; value?: string };
  country: string;
  merchantName: string;
  merchantCity: string;
  postalCode?: string;
  additional?: Readonly<Record<string, string>>;
  language?: MpmLanguage;
  unreserved?: readonly MpmAccountInput[];
}

/** A plain account (02–25: `value`) or a template (26–51, 80–99: `guid` + `fields`). */
export interface MpmAccountInput {
  id: string;
  value?: string;
  guid?: string;
  fields?: Readonly<Record<string, string>>;
}

/**
 * Builds the payload in ID order (00 first, 63 last) with its CRC, then parses it back so a payload
 * that leaves here is one `parseMpm` accepts.
 */
export function buildMpm(input: MpmInput): string {
  const objects: MpmObject[] = [{ id: "00", value: "01", position: 0 }];
  const add = (id: string, value: string | undefined) => {
    if (value !== undefined) objects.push({ id, value, position: 0 });
  };
  const template = (id: string, entries: Readonly<Record<string, string>>) => {
    const children = Object.keys(entries)
      .sort()
      .map((sub) => ({ id: sub, value: entries[sub]!, position: 0 }));
    objects.push({ id, value: "", position: 0, children });
  };
  if (input.initiation) add("01", input.initiation === "static" ? "11" : "12");
  for (const account of [...input.merchantAccounts, ...(input.unreserved ?? [])]) {
    if (isMpmTemplate(account.id)) {
      template(account.id, {
        ...(account.guid === undefined ? {} : { "00": account.guid }),
        ...account.fields,
      });
    } else {
      add(account.id, account.value);
    }
  }
  add("52", input.mcc);
  add("53", input.currency);
  add("54", input.amount);
  if (input.tip) {
    const code = Object.entries(TIP).find(([, kind]) => kind === input.tip!.indicator)![0];
    add("55", code);
    if (input.tip.indicator === "fixed") add("56", input.tip.value);
    if (input.tip.indicator === "percentage") add("57", input.tip.value);
  }
  add("58", input.country);
  add("59", input.merchantName);
  add("60", input.merchantCity);
  add("61", input.postalCode);
  if (input.additional) template("62", input.additional);
  if (input.language) {
    template("64", {
      "00": input.language.preference,
      "01": input.language.name,
      ...(input.language.city === undefined ? {} : { "02": input.language.city }),
    });
  }
  const rest = objects.slice(1).sort((a, b) => Number(a.id) - Number(b.id));
  for (let i = 1; i < rest.length; i++) {
    if (rest[i]!.id === rest[i - 1]!.id) throw new QrError("given twice", { path: `ID ${rest[i]!.id}` });
  }
  const body = `${joinObjects([objects[0]!, ...rest])}6304`;
  const payload = `${body}${crc16Hex(body)}`;
  parseMpm(payload);
  return payload;
}

/** Integer fen → the MPM amount text ("23.72"); MPM uses a dot and no thousands separators. */
export function mpmAmountFromFen(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0)
    throw new QrError(`${fen} is not a non-negative integer`, { path: "ID 54" });
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

/** The MPM amount text → integer fen (at most 2 decimals, as CNY has). */
export function mpmAmountToFen(amount: string): number {
  const match = /^(\d{1,11})(?:\.(\d{1,2}))?$/.exec(amount);
  if (!match)
    throw new QrError(`${JSON.stringify(amount)} is not an amount with at most 2 decimals`, {
      path: "ID 54",
    });
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}
