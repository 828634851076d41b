import { readHostReply } from "../../../firmware/transactions/host-reply.js";
import type { Iso8583Message } from "../../../protocol/iso8583/spec.js";
import { parseField60 } from "../../../protocol/iso8583/subfields/field60.js";
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
} from "../../../protocol/iso8583/tms/index.js";
import { loadTestCapks } from "../../../tools/rig/cards/emv/index.js";

export interface FakeData {
  capks: CapkRecord[];
  aids: AidRecord[];
  blacklist: string[];
  parameters: TerminalParameters;
  pageSize: number;
  /** Answer this 60.3 code with this response code. */
  refuse?: { code: string; with: string };
  /** Tamper with a record before it is sent. */
  sendCapk?: (record: CapkRecord) => CapkRecord;
}

export const testCapkRecords = (): CapkRecord[] =>
  loadTestCapks().map((c) => ({
    rid: c.rid,
    index: c.index,
    expiry: c.expiry,
    hashAlgorithm: "01",
    keyAlgorithm: "01",
    modulus: c.modulus,
    exponent: c.exponent,
    checksum: c.hash,
  }));

function page<T>(all: readonly T[], received: number, size: number) {
  if (received >= all.length) return { status: "none" as const, entries: [] };
  const entries = all.slice(received, received + size);
  return { status: received + entries.length >= all.length ? ("last" as const) : ("more" as const), entries };
}

/** A TMS host in memory behind the TmsLink interface (what AcquirerSession.query offers). */
export function fakeHost(overrides: Partial<FakeData> = {}) {
  const data: FakeData = {
    capks: testCapkRecords(),
    aids: [],
    blacklist: [],
    parameters: { timeoutSeconds: 45, retries: 2, manualEntryAllowed: true },
    pageSize: 2,
    ...overrides,
  };
  const sent: Iso8583Message[] = [];
  const host = {
    sent,
    data,
    pendingRequirement: undefined as number | undefined,
    identity: { terminalId: "00000001", merchantId: "000000000000001" },
    async query(request: Iso8583Message) {
      sent.push(request);
      const code = parseField60(request.fields[60]!).netMgmtCode!;
      const f62 = Buffer.from(request.fields[62] ?? "", "hex");
      let out: Buffer | undefined;
      switch (code) {
        case "360":
          out = buildTerminalParameters(data.parameters);
          break;
        case "372": {
          const p = page(data.capks, parseQueryRequest(f62).received, data.pageSize);
          out = buildCapkQueryResponse({ status: p.status, entries: p.entries });
          break;
        }
        case "370": {
          const key = parseCapkDownloadRequest(f62);
          const found = data.capks.find((c) => c.rid === key.rid && c.index === key.index);
          out = buildDownloadResponse(found && buildCapkRecord(data.sendCapk ? data.sendCapk(found) : found));
          break;
        }
        case "382": {
          const p = page(data.aids, parseQueryRequest(f62).received, data.pageSize);
          out = buildAidQueryResponse({ status: p.status, entries: p.entries.map((a) => a.aid) });
          break;
        }
        case "380": {
          const { aid } = parseAidDownloadRequest(f62);
          const found = data.aids.find((a) => a.aid === aid);
          out = buildDownloadResponse(found && buildAidRecord(found));
          break;
        }
        case "390": {
          const p = page(data.blacklist, parseBlacklistRequest(f62).received, data.pageSize);
          out = buildBlacklistPage({ status: p.status, pans: p.entries });
          break;
        }
      }
      const fields: Record<number, string> = {
        11: request.fields[11]!,
        39: data.refuse?.code === code ? data.refuse.with : "00",
        60: request.fields[60]!,
      };
      if (out) fields[62] = out.toString("hex").toUpperCase();
      const response: Iso8583Message = { mti: request.mti === "0820" ? "0830" : "0810", fields };
      return { response, reply: readHostReply(response) };
    },
  };
  return host;
}

let stan = 0;
export const counters = {
  nextStan: () => String(++stan).padStart(6, "0"),
  batch: () => "000001",
};
