import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CapkJson, CapkStore } from "../../protocol/emv/index.js";
import { ProtocolError } from "../../protocol/errors.js";
import type { AidRecord, CapkRecord, TerminalParameters } from "../../protocol/iso8583/tms/index.js";
import {
  parseTerminalConfig,
  type TerminalConfig,
  type TerminalConfigInput,
} from "../emv/shared/terminal-config.js";
import type { FlowLogger } from "../transactions/acquirer-session.js";
import { TransactionError } from "../transactions/transaction-error.js";
import { type AidInput, aidInputOf } from "./aid-merge.js";
import { replaceFiles } from "./atomic-files.js";
import { TmsDownloadError } from "./tms-download-error.js";
import {
  type TmsCounters,
  type TmsDownload,
  TmsDownloader,
  type TmsLink,
  type TmsPart,
} from "./tms-downloader.js";

export const TMS_FILES = {
  capks: "capks.json",
  aids: "aids.json",
  blacklist: "blacklist.json",
  parameters: "tms-params.json",
} as const;

export interface TerminalTmsOptions {
  /** The storage directory (settings.storage.dir). */
  dir: string;
  link: TmsLink & { pendingRequirement: number | undefined };
  counters: TmsCounters;
  /** The app's live CAPK table: downloaded keys are added to it. */
  capks: CapkStore;
  /** The app's live EMV config (its `aids` are replaced in place) and the settings it was parsed from. */
  emv: TerminalConfig;
  emvInput: TerminalConfigInput;
  log: FlowLogger;
  /** Called with the parameters in force (at boot from the file, and after each download). */
  onParameters?: (parameters: TerminalParameters) => void;
  /** Called once the live EMV config's AIDs were replaced (at boot from the file, and after each download). */
  onAids?: (aids: TerminalConfig["aids"]) => void;
}

export interface TmsOutcome {
  ok: boolean;
  zh: string;
  en: string;
  /** Entries taken per part. */
  counts: Partial<Record<TmsPart, number>>;
}

/** 处理要求 → what to download: 1 and 6 parameters + black list, 4 CAPKs, 5 IC (AID) parameters. */
export function partsFor(requirement: number): TmsPart[] {
  switch (requirement) {
    case 1:
    case 6:
      return ["parameters", "blacklist"];
    case 4:
      return ["capks"];
    case 5:
      return ["aids"];
    default:
      return [];
  }
}

const ALL: readonly TmsPart[] = ["parameters", "blacklist", "capks", "aids"];

/**
 * The terminal's TMS state: the downloads (TmsDownloader), checked in memory, written to the storage
 * directory atomically (all files or none), then applied to the running terminal: CAPKs into the
 * CapkStore, AIDs into the EMV config, the black list (checked on every card read) and the parameters.
 */
export class TerminalTms {
  private blacklisted = new Set<string>();
  private params: TerminalParameters = {};
  private readonly downloader: TmsDownloader;
  /** The last download's outcome (sign-in runs them unattended). */
  lastOutcome: TmsOutcome | undefined;

  constructor(private readonly options: TerminalTmsOptions) {
    this.downloader = new TmsDownloader(options.link, options.counters);
  }

  get parameters(): TerminalParameters {
    return { ...this.params };
  }

  get blacklistSize(): number {
    return this.blacklisted.size;
  }

  /** Boot: the files a previous download wrote. A file that does not check out is skipped and logged. */
  load(): void {
    const { dir, log } = this.options;
    const read = (name: string, apply: (data: unknown) => void) => {
      const path = join(dir, name);
      if (!existsSync(path)) return;
      try {
        apply(JSON.parse(readFileSync(path, "utf8")));
      } catch (error) {
        log.warn({ file: name, error: (error as Error).message }, "TMS file ignored");
      }
    };
    read(TMS_FILES.capks, (data) => {
      for (const capk of CapkStore.fromJson(data).list()) this.options.capks.add(capkJson(capk));
    });
    read(TMS_FILES.aids, (data) => this.applyAids(this.checkAidInputs(data as AidInput[])));
    read(TMS_FILES.blacklist, (data) => {
      if (!Array.isArray(data) || !data.every((p) => typeof p === "string" && /^\d{12,19}$/.test(p))) {
        throw new Error("black list must be an array of PANs");
      }
      this.blacklisted = new Set(data as string[]);
    });
    read(TMS_FILES.parameters, (data) => {
      this.params = checkParameterFile(data);
      this.options.onParameters?.(this.parameters);
    });
  }

  /** Runs what the host's 处理要求 asked for (after sign-in); undefined when nothing was pending. */
  async runPending(signal?: AbortSignal): Promise<TmsOutcome | undefined> {
    const requirement = this.options.link.pendingRequirement;
    if (requirement === undefined) return undefined;
    const parts = partsFor(requirement);
    if (parts.length === 0) return undefined;
    this.options.link.pendingRequirement = undefined;
    const outcome = await this.run(parts, signal);
    // Still owed: the next sign-in or the menu tries again.
    if (!outcome.ok) this.options.link.pendingRequirement ??= requirement;
    return outcome;
  }

  /** The menu's 参数下载: everything. */
  downloadAll(signal?: AbortSignal): Promise<TmsOutcome> {
    return this.run(ALL, signal);
  }

  /** Downloads, checks, stores and applies; never throws for a refusal or a bad download (outcome.ok false). */
  async run(parts: readonly TmsPart[], signal?: AbortSignal): Promise<TmsOutcome> {
    const { log } = this.options;
    let outcome: TmsOutcome;
    try {
      const download = await this.downloader.download(parts, signal);
      const checked = this.check(download);
      replaceFiles(this.options.dir, checked.files);
      this.apply(checked);
      const counts = countsOf(download);
      outcome = { ok: true, ...summary(counts), counts };
      log.info({ counts }, "TMS download stored");
    } catch (error) {
      const message = messageOf(error);
      outcome = {
        ok: false,
        zh: `参数下载失败 ${message.zh}`,
        en: `Download failed: ${message.en}`,
        counts: {},
      };
      log.warn({ error: (error as Error).message }, "TMS download refused, old parameters kept");
    }
    this.lastOutcome = outcome;
    return outcome;
  }

  /** True when the PAN (digits, string or latin1 Buffer) is on the black list. */
  isBlacklisted(pan: string | Buffer): boolean {
    return this.blacklisted.has(typeof pan === "string" ? pan : pan.toString("latin1"));
  }

  /** Refuses a black-listed card before anything goes online. */
  screenCard(card: { pan?: Buffer | undefined }): void {
    if (card.pan && this.isBlacklisted(card.pan)) {
      throw new TransactionError(
        "refused",
        "此卡已列入黑名单 交易拒绝",
        "Card is on the black list: refused",
      );
    }
  }

  private check(download: TmsDownload): Checked {
    const files: Record<string, string> = {};
    const checked: Checked = { files };
    if (download.capks) {
      const store = new CapkStore();
      for (const record of download.capks) {
        if (record.hashAlgorithm !== "01" || record.keyAlgorithm !== "01") {
          throw new TmsDownloadError(
            `CAPK ${record.rid}:${record.index}: algorithms ${record.hashAlgorithm}/${record.keyAlgorithm}`,
            `CA公钥 ${record.rid}:${record.index} 算法不支持`,
            `CA key ${record.rid}:${record.index}: only SHA-1 / RSA keys are supported`,
          );
        }
        store.add(fromRecord(record), `CAPK ${record.rid}:${record.index}`);
      }
      checked.capks = store.list().map(capkJson);
      files[TMS_FILES.capks] = json(checked.capks);
    }
    if (download.aids) {
      const inputs = download.aids.map((record) => aidInputOf(record, this.knownAid(record)));
      checked.aids = this.checkAidInputs(inputs);
      files[TMS_FILES.aids] = json(inputs);
    }
    if (download.blacklist) {
      checked.blacklist = download.blacklist;
      files[TMS_FILES.blacklist] = json(download.blacklist);
    }
    if (download.parameters) {
      checked.parameters = download.parameters;
      files[TMS_FILES.parameters] = json(download.parameters);
    }
    return checked;
  }

  private apply(checked: Checked): void {
    if (checked.capks) for (const capk of checked.capks) this.options.capks.add(capk);
    if (checked.aids) this.applyAids(checked.aids);
    if (checked.blacklist) this.blacklisted = new Set(checked.blacklist);
    if (checked.parameters) {
      this.params = checked.parameters;
      this.options.onParameters?.(this.parameters);
    }
  }

  /** The EMV config parser is the judge: the whole config with these AIDs must parse. */
  private checkAidInputs(inputs: unknown): TerminalConfig["aids"] {
    if (!Array.isArray(inputs))
      throw new TmsDownloadError("aids.json is not an array", "IC参数无效", "Bad AID list");
    return parseTerminalConfig({ ...this.options.emvInput, aids: inputs }).aids;
  }

  private applyAids(aids: TerminalConfig["aids"]): void {
    const live = this.options.emv.aids;
    live.splice(0, live.length, ...aids);
    // The contactless entry point copied the old combinations and limits: its owner rebuilds it now.
    this.options.onAids?.(live);
  }

  private knownAid(record: AidRecord): AidInput | undefined {
    return this.options.emvInput.aids.find((a) => a.aid.toUpperCase() === record.aid);
  }
}

interface Checked {
  files: Record<string, string>;
  capks?: CapkJson[];
  aids?: TerminalConfig["aids"];
  blacklist?: string[];
  parameters?: TerminalParameters;
}

function fromRecord(record: CapkRecord): CapkJson {
  return {
    rid: record.rid,
    index: record.index,
    modulus: record.modulus,
    exponent: record.exponent,
    expiry: record.expiry,
    ...(record.checksum === undefined ? {} : { hash: record.checksum }),
  };
}

function capkJson(capk: {
  rid: string;
  index: string;
  modulus: Buffer;
  exponent: Buffer;
  expiry: string;
  hash: Buffer;
}): CapkJson {
  const hex = (b: Buffer) => b.toString("hex").toUpperCase();
  return {
    rid: capk.rid,
    index: capk.index,
    modulus: hex(capk.modulus),
    exponent: hex(capk.exponent),
    expiry: capk.expiry,
    hash: hex(capk.hash),
  };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function countsOf(download: TmsDownload): Partial<Record<TmsPart, number>> {
  const counts: Partial<Record<TmsPart, number>> = {};
  if (download.capks) counts.capks = download.capks.length;
  if (download.aids) counts.aids = download.aids.length;
  if (download.blacklist) counts.blacklist = download.blacklist.length;
  if (download.parameters) counts.parameters = Object.keys(download.parameters).length;
  return counts;
}

function summary(counts: Partial<Record<TmsPart, number>>): { zh: string; en: string } {
  const zh: string[] = [];
  const en: string[] = [];
  if (counts.parameters !== undefined) {
    zh.push(`终端参数${counts.parameters}项`);
    en.push(`${counts.parameters} terminal parameters`);
  }
  if (counts.blacklist !== undefined) {
    zh.push(`黑名单${counts.blacklist}条`);
    en.push(`${counts.blacklist} black-listed cards`);
  }
  if (counts.capks !== undefined) {
    zh.push(`CA公钥${counts.capks}个`);
    en.push(`${counts.capks} CA public keys`);
  }
  if (counts.aids !== undefined) {
    zh.push(`IC参数${counts.aids}个`);
    en.push(`${counts.aids} AIDs`);
  }
  return { zh: `参数下载成功 ${zh.join(" ")}`, en: `Download complete: ${en.join(", ")}` };
}

function messageOf(error: unknown): { zh: string; en: string } {
  if (error instanceof TmsDownloadError || error instanceof TransactionError)
    return { zh: error.zh, en: error.en };
  const text = (error as Error)?.message ?? String(error);
  if (error instanceof ProtocolError) return { zh: `数据格式错误 ${text}`, en: `malformed data: ${text}` };
  return { zh: text, en: text };
}

/** tms-params.json as a previous download wrote it: each known key with its type, nothing else. */
function checkParameterFile(data: unknown): TerminalParameters {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new Error("parameters must be an object");
  }
  const types: Record<keyof TerminalParameters, (v: unknown) => boolean> = {
    applicationType: (v) => typeof v === "string",
    timeoutSeconds: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 99,
    retries: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 9,
    transactionPhones: (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
    managementPhone: (v) => typeof v === "string",
    tipsSupported: (v) => typeof v === "boolean",
    tipPercent: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 99,
    manualEntryAllowed: (v) => typeof v === "boolean",
  };
  for (const [key, value] of Object.entries(data)) {
    const ok = types[key as keyof TerminalParameters];
    if (!ok) throw new Error(`unknown parameter ${key}`);
    if (!ok(value)) throw new Error(`parameter ${key} has a wrong value`);
  }
  return data as TerminalParameters;
}
