import { readHostReply } from "../../../firmware/transactions/host-reply.js";
import type { Iso8583Message } from "../../../protocol/iso8583/spec.js";
import { parseField60 } from "../../../protocol/iso8583/subfields/field60.js";
import {
  type AidRecord,
  buildCapkRecord,
  buildDownloadResponse,
  type CapkRecord,
  parseCapkDownloadRequest,
  type TerminalParameters,
} from "../../../protocol/iso8583/tms/index.js";
import { answerTms, capkRecord } from "../../../tools/host-sim/tms.js";
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

export const testCapkRecords = (): CapkRecord[] => loadTestCapks().map(capkRecord);

/** The simulator's TMS answers (tools/host-sim/tms.ts) behind the TmsLink interface (AcquirerSession.query). */
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
      // The simulator's own answers; `sendCapk` swaps the record a download sends for a wrong one.
      let out = answerTms(data, code, f62).field62;
      if (code === "370" && data.sendCapk) {
        const key = parseCapkDownloadRequest(f62);
        const found = data.capks.find((c) => c.rid === key.rid && c.index === key.index);
        out = buildDownloadResponse(found && buildCapkRecord(data.sendCapk(found)));
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
