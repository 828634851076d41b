import { UNIONPAY_DEFAULTS } from "../../firmware/emv/shared/terminal-config.js";
import { capkHash } from "../../protocol/emv/oda/capk-store.js";
import {
  type AidRecord,
  buildAidQueryResponse,
  buildAidRecord,
  buildBlacklistPage,
  buildCapkQueryResponse,
  buildCapkRecord,
  buildDownloadResponse,
  buildTerminalParameters,
  type CapkRecord,
  parseAidDownloadRequest,
  parseBlacklistRequest,
  parseCapkDownloadRequest,
  parseQueryRequest,
  type TerminalParameters,
  TmsCode,
  TmsError,
  type TmsPageStatus,
} from "../../protocol/iso8583/tms/index.js";
import { loadTestCapks } from "../rig/cards/emv/index.js";
import type { Exchange, HostContext, Reply } from "./exchange.js";
import { reply } from "./exchange.js";
import { type TmsConfig, type TmsConfigInput, tmsConfigSchema } from "./tms-config.js";

/** One TMS message the host answered, per terminal (what a test checks was downloaded). */
export interface TmsLogEntry {
  time: string;
  terminalId: string;
  code: string;
  /** RID:index, AID, or the count asked from. */
  item?: string;
  /** Entries sent in this answer (queries, black-list pages), or 1/0 for a download (found or not). */
  sent: number;
  responseCode: string;
}

/** The host's TMS data and download log, attached to a HostContext by the simulator. */
export class TmsHost {
  readonly capks: CapkRecord[];
  readonly aids: AidRecord[];
  readonly blacklist: string[];
  readonly parameters: TerminalParameters;
  readonly pageSize: number;
  private readonly entries: TmsLogEntry[] = [];

  constructor(input: TmsConfigInput = {}) {
    const config: TmsConfig = tmsConfigSchema.parse(input);
    this.capks = (config.capks ?? loadTestCapks()).map((c) => capkRecord(c));
    this.aids = (config.aids ?? defaultAids()).map((a) => stripUndefined({ ...a, other: a.other ?? [] }));
    this.blacklist = config.blacklist;
    this.parameters = stripUndefined(config.parameters);
    this.pageSize = config.pageSize;
  }

  log(terminalId?: string): TmsLogEntry[] {
    return this.entries.filter((e) => terminalId === undefined || e.terminalId === terminalId);
  }

  note(entry: TmsLogEntry): void {
    this.entries.push(entry);
  }
}

const hosts = new WeakMap<HostContext, TmsHost>();

/** Gives a host context its TMS data (the simulator calls this once). */
export function attachTms(ctx: HostContext, input: TmsConfigInput | undefined): TmsHost {
  const host = new TmsHost(input ?? {});
  hosts.set(ctx, host);
  return host;
}

function tmsOf(ctx: HostContext): TmsHost {
  let host = hosts.get(ctx);
  if (!host) {
    host = new TmsHost();
    hosts.set(ctx, host);
  }
  return host;
}

const CODES: ReadonlySet<string> = new Set(Object.values(TmsCode));

/**
 * TMS downloads (60.3 360/370–372/380–382/390–391): parameters, CA public keys, IC (AID) parameters
 * and the card black list. Undefined when the request is not one of them. A malformed field 62 is 30.
 */
export function handleTms(x: Exchange, ctx: HostContext): Reply | undefined {
  const code = x.f60?.netMgmtCode;
  if (code === undefined || !CODES.has(code)) return undefined;
  const tms = tmsOf(ctx);
  const base = { time: ctx.clock().toISOString(), terminalId: x.terminal.terminalId, code };
  const data = Buffer.from(x.fields[62] ?? "", "hex");
  try {
    const { field62, sent, item } = answerTms(tms, code, data);
    tms.note({ ...base, ...(item === undefined ? {} : { item }), sent, responseCode: "00" });
    const fields: Record<number, string> = { 60: x.fields[60]! };
    if (field62 !== undefined) fields[62] = field62.toString("hex").toUpperCase();
    return reply("00", fields);
  } catch (error) {
    if (!(error instanceof TmsError)) throw error;
    tms.note({ ...base, sent: 0, responseCode: "30" });
    return reply("30", {}, `TMS ${code}: ${error.message}`);
  }
}

/** What a TMS host serves: the records and the page size of its query answers. */
export interface TmsData {
  readonly capks: readonly CapkRecord[];
  readonly aids: readonly AidRecord[];
  readonly blacklist: readonly string[];
  readonly parameters: TerminalParameters;
  readonly pageSize: number;
}

/** One TMS answer: field 62 (none for the end messages), how many entries it carries, what was asked. */
export interface TmsAnswer {
  field62: Buffer | undefined;
  sent: number;
  item?: string;
}

/**
 * The answer to one TMS request (60.3 `code`, the request's field 62), pure: the simulator and the
 * firmware's unit tests serve downloads through it. A malformed field 62 throws TmsError.
 */
export function answerTms(data: TmsData, code: string, request62: Buffer): TmsAnswer {
  switch (code) {
    case TmsCode.Parameters:
      return { field62: buildTerminalParameters(data.parameters), sent: 1 };
    case TmsCode.CapkQuery: {
      const { received } = parseQueryRequest(request62);
      const { status, entries } = page(data.capks, received, data.pageSize);
      const list = entries.map((c) => ({ rid: c.rid, index: c.index, expiry: c.expiry }));
      return {
        field62: buildCapkQueryResponse({ status, entries: list }),
        sent: entries.length,
        item: String(received),
      };
    }
    case TmsCode.CapkDownload: {
      const key = parseCapkDownloadRequest(request62);
      const found = data.capks.find((c) => c.rid === key.rid && c.index === key.index);
      return {
        field62: buildDownloadResponse(found ? buildCapkRecord(found) : undefined),
        sent: found ? 1 : 0,
        item: `${key.rid}:${key.index}`,
      };
    }
    case TmsCode.AidQuery: {
      const { received } = parseQueryRequest(request62);
      const { status, entries } = page(data.aids, received, data.pageSize);
      return {
        field62: buildAidQueryResponse({ status, entries: entries.map((a) => a.aid) }),
        sent: entries.length,
        item: String(received),
      };
    }
    case TmsCode.AidDownload: {
      const { aid } = parseAidDownloadRequest(request62);
      const found = data.aids.find((a) => a.aid === aid);
      return {
        field62: buildDownloadResponse(found ? buildAidRecord(found) : undefined),
        sent: found ? 1 : 0,
        item: aid,
      };
    }
    case TmsCode.Blacklist: {
      const { received } = parseBlacklistRequest(request62);
      const { status, entries } = page(data.blacklist, received, data.pageSize);
      return {
        field62: buildBlacklistPage({ status, pans: entries }),
        sent: entries.length,
        item: String(received),
      };
    }
    default:
      // 371 / 381 / 391: the end of a download; nothing to send.
      return { field62: undefined, sent: 0 };
  }
}

/** The page after `received` entries: '0' when none are left, '1' when this is the last, else '2'. */
function page<T>(all: readonly T[], received: number, size: number): { status: TmsPageStatus; entries: T[] } {
  if (received >= all.length) return { status: "none", entries: [] };
  const entries = all.slice(received, received + size);
  return { status: received + entries.length >= all.length ? "last" : "more", entries };
}

/** A CAPK (hex fields, e.g. the rig's test keys) as a TMS record; the checksum computed when not given. */
export function capkRecord(c: {
  rid: string;
  index: string;
  modulus: string;
  exponent: string;
  expiry: string;
  checksum?: string | undefined;
  hash?: string | undefined;
}): CapkRecord {
  const rid = c.rid.toUpperCase();
  const index = c.index.toUpperCase();
  const modulus = c.modulus.toUpperCase();
  const exponent = c.exponent.toUpperCase();
  const computed = capkHash(
    Buffer.from(rid, "hex"),
    Number.parseInt(index, 16),
    Buffer.from(modulus, "hex"),
    Buffer.from(exponent, "hex"),
  );
  return {
    rid,
    index,
    expiry: c.expiry,
    hashAlgorithm: "01",
    keyAlgorithm: "01",
    modulus,
    exponent,
    checksum: (c.checksum ?? c.hash ?? computed.toString("hex")).toUpperCase(),
  };
}

/** The UnionPay default AIDs (firmware/emv/shared/terminal-config.ts) as TMS records. */
function defaultAids(): AidRecord[] {
  return UNIONPAY_DEFAULTS.aids.map((a) => {
    const cl = a.contactless;
    const record: AidRecord = {
      aid: a.aid.toUpperCase(),
      partialSelection: a.partialSelection,
      applicationVersion: a.applicationVersion,
      tacDefault: a.tacDefault,
      tacOnline: a.tacOnline,
      tacDenial: a.tacDenial,
      floorLimit: a.floorLimit,
      threshold: a.randomSelection.threshold,
      maxTargetPercent: a.randomSelection.maxTargetPercent,
      targetPercent: a.randomSelection.targetPercent,
      defaultDdol: a.defaultDdol,
      onlinePinSupported: a.onlinePinSupported,
      other: cl?.ttq ? [{ tag: "9F66", value: cl.ttq }] : [],
    };
    if (cl) {
      record.contactlessTransactionLimit = cl.transactionLimit;
      record.contactlessFloorLimit = cl.floorLimit;
      record.cvmLimit = cl.cvmLimit;
      if (cl.ecTransactionLimit !== undefined) record.ecTransactionLimit = cl.ecTransactionLimit;
    }
    return record;
  });
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
