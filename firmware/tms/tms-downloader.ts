import type { Iso8583Message } from "../../protocol/iso8583/spec.js";
import {
  type AidRecord,
  buildAidDownloadRequest,
  buildBlacklistRequest,
  buildCapkDownloadRequest,
  buildQueryRequest,
  buildTmsRequest,
  type CapkListEntry,
  type CapkRecord,
  parseAidQueryResponse,
  parseAidRecord,
  parseBlacklistPage,
  parseCapkQueryResponse,
  parseCapkRecord,
  parseDownloadResponse,
  parseTerminalParameters,
  type QueryPage,
  type TerminalParameters,
  TmsCode,
} from "../../protocol/iso8583/tms/index.js";
import type { HostReply } from "../transactions/host-reply.js";
import { TmsDownloadError } from "./tms-download-error.js";

/** The session's unMAC'd exchange (AcquirerSession.query) and who we are. */
export interface TmsLink {
  identity: { terminalId: string; merchantId: string };
  query(
    request: Iso8583Message,
    signal?: AbortSignal,
  ): Promise<{ response: Iso8583Message; reply: HostReply }>;
}

/** Each message takes a fresh STAN from the journal. */
export interface TmsCounters {
  nextStan(): string;
  batch(): string;
}

/** What one download run brought, before anything is checked or stored. */
export interface TmsDownload {
  capks?: CapkRecord[];
  aids?: AidRecord[];
  blacklist?: string[];
  parameters?: TerminalParameters;
}

export type TmsPart = keyof TmsDownload;

/** Pages past this are refused: a host that keeps answering '2' must not keep the terminal forever. */
const MAX_PAGES = 100;

/**
 * Runs the TMS message loops over the acquirer link: query (372/382, "received so far" counter, '2' = ask
 * again), one download per entry (370/380), end (371/381); black list pages (390/391); parameters (360).
 * Only reads: checking and storing are TerminalTms's.
 */
export class TmsDownloader {
  constructor(
    private readonly link: TmsLink,
    private readonly counters: TmsCounters,
  ) {}

  async download(parts: readonly TmsPart[], signal?: AbortSignal): Promise<TmsDownload> {
    const out: TmsDownload = {};
    if (parts.includes("parameters")) out.parameters = await this.parameters(signal);
    if (parts.includes("blacklist")) out.blacklist = await this.blacklist(signal);
    if (parts.includes("capks")) out.capks = await this.capks(signal);
    if (parts.includes("aids")) out.aids = await this.aids(signal);
    return out;
  }

  async parameters(signal?: AbortSignal): Promise<TerminalParameters> {
    const data = await this.send(TmsCode.Parameters, undefined, signal);
    return data === undefined ? {} : parseTerminalParameters(data);
  }

  async blacklist(signal?: AbortSignal): Promise<string[]> {
    const pans: string[] = [];
    for (let pages = 0; ; pages++) {
      if (pages === MAX_PAGES) throw this.tooManyPages(TmsCode.Blacklist);
      const data = await this.need(TmsCode.Blacklist, buildBlacklistRequest(pans.length), signal);
      const page = parseBlacklistPage(data);
      pans.push(...page.pans);
      if (page.status !== "more") break;
    }
    await this.send(TmsCode.BlacklistEnd, undefined, signal);
    return pans;
  }

  async capks(signal?: AbortSignal): Promise<CapkRecord[]> {
    const list = await this.list(TmsCode.CapkQuery, parseCapkQueryResponse, signal);
    const records: CapkRecord[] = [];
    for (const entry of list) {
      const data = await this.need(TmsCode.CapkDownload, buildCapkDownloadRequest(entry), signal);
      const tlv = parseDownloadResponse(data);
      if (tlv === undefined) throw this.notFound(TmsCode.CapkDownload, `${entry.rid}:${entry.index}`);
      const record = parseCapkRecord(tlv, 1);
      if (record.rid !== entry.rid || record.index !== entry.index) {
        throw new TmsDownloadError(
          `CAPK ${entry.rid}:${entry.index} asked, ${record.rid}:${record.index} sent`,
          "CA公钥下载内容不符",
          "CA public key download: wrong key sent",
        );
      }
      records.push(record);
    }
    await this.send(TmsCode.CapkEnd, undefined, signal);
    return records;
  }

  async aids(signal?: AbortSignal): Promise<AidRecord[]> {
    const list = await this.list(TmsCode.AidQuery, parseAidQueryResponse, signal);
    const records: AidRecord[] = [];
    for (const aid of list) {
      const data = await this.need(TmsCode.AidDownload, buildAidDownloadRequest(aid), signal);
      const tlv = parseDownloadResponse(data);
      if (tlv === undefined) throw this.notFound(TmsCode.AidDownload, aid);
      const record = parseAidRecord(tlv, 1);
      if (record.aid !== aid) {
        throw new TmsDownloadError(
          `AID ${aid} asked, ${record.aid} sent`,
          "IC参数下载内容不符",
          "AID download: wrong AID sent",
        );
      }
      records.push(record);
    }
    await this.send(TmsCode.AidEnd, undefined, signal);
    return records;
  }

  private async list<T extends CapkListEntry | string>(
    code: TmsCode,
    parse: (data: Buffer) => QueryPage<T>,
    signal?: AbortSignal,
  ): Promise<T[]> {
    const entries: T[] = [];
    for (let pages = 0; ; pages++) {
      if (pages === MAX_PAGES) throw this.tooManyPages(code);
      const page = parse(await this.need(code, buildQueryRequest(entries.length), signal));
      entries.push(...page.entries);
      if (page.status !== "more") return entries;
    }
  }

  private async need(code: TmsCode, data: Buffer, signal?: AbortSignal): Promise<Buffer> {
    const answer = await this.send(code, data, signal);
    if (answer === undefined) {
      throw new TmsDownloadError(
        `${code}: answer without field 62`,
        "下载应答无数据",
        "Download answer carries no data",
      );
    }
    return answer;
  }

  /** One exchange; a refusal (39 ≠ 00) ends the run. Returns field 62 when the answer has one. */
  private async send(
    code: TmsCode,
    data: Buffer | undefined,
    signal?: AbortSignal,
  ): Promise<Buffer | undefined> {
    const request = buildTmsRequest({
      ...this.link.identity,
      stan: this.counters.nextStan(),
      batch: this.counters.batch(),
      code,
      ...(data === undefined ? {} : { data }),
    });
    const { response, reply } = await this.link.query(request, signal);
    if (!reply.approved) {
      throw new TmsDownloadError(
        `${code} refused: ${reply.code}`,
        `下载失败 ${reply.info.zh}`,
        `Download refused: ${reply.info.en}`,
      );
    }
    const f62 = response.fields[62];
    return f62 === undefined ? undefined : Buffer.from(f62, "hex");
  }

  private notFound(code: TmsCode, item: string): TmsDownloadError {
    return new TmsDownloadError(
      `${code}: host has no ${item}`,
      "主机无此参数",
      "The host does not have that entry",
    );
  }

  private tooManyPages(code: TmsCode): TmsDownloadError {
    return new TmsDownloadError(
      `${code}: more than ${MAX_PAGES} pages`,
      "下载分包过多",
      "Too many download pages",
    );
  }
}
