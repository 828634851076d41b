import { describe, expect, it } from "vitest";
import { partsFor, TmsDownloadError, TmsDownloader } from "../../../firmware/tms/index.js";
import { parseField60 } from "../../../protocol/iso8583/subfields/field60.js";
import { counters, fakeHost, testCapkRecords } from "./fake-host.js";

const codes = (host: ReturnType<typeof fakeHost>) =>
  host.sent.map((m) => parseField60(m.fields[60]!).netMgmtCode);

describe("TmsDownloader", () => {
  it("maps 处理要求 digits to downloads", () => {
    expect(partsFor(1)).toEqual(["parameters", "blacklist"]);
    expect(partsFor(6)).toEqual(["parameters", "blacklist"]);
    expect(partsFor(4)).toEqual(["capks"]);
    expect(partsFor(5)).toEqual(["aids"]);
    expect(partsFor(0)).toEqual([]);
    expect(partsFor(3)).toEqual([]);
  });

  it("runs query (asking again on '2'), one download per key, then the end message", async () => {
    const host = fakeHost({ pageSize: 2 });
    const records = await new TmsDownloader(host, counters).capks();
    expect(records).toEqual(testCapkRecords());
    expect(codes(host)).toEqual(["372", "372", "370", "370", "370", "371"]);
    expect(host.sent.map((m) => m.mti)).toEqual(["0820", "0820", "0800", "0800", "0800", "0800"]);
    expect(host.sent[0]!.fields[62]).toBe("313030");
    expect(host.sent[1]!.fields[62]).toBe("313032");
    expect(host.sent.at(-1)!.fields[62]).toBeUndefined();
    const stans = host.sent.map((m) => m.fields[11]);
    expect(new Set(stans).size).toBe(stans.length);
  });

  it("pages the black list and reads the parameters", async () => {
    const pans = ["6225880000000001", "6225880000000002", "6225880000000003"];
    const host = fakeHost({ blacklist: pans, pageSize: 2 });
    const got = await new TmsDownloader(host, counters).download(["parameters", "blacklist"]);
    expect(got).toEqual({
      parameters: { timeoutSeconds: 45, retries: 2, manualEntryAllowed: true },
      blacklist: pans,
    });
    expect(codes(host)).toEqual(["360", "390", "390", "391"]);
    expect(host.sent[2]!.fields[62]).toBe("303032");
  });

  it("stops on a refusal, a wrong record or a missing one", async () => {
    const refused = fakeHost({ refuse: { code: "370", with: "96" } });
    await expect(new TmsDownloader(refused, counters).capks()).rejects.toThrow(TmsDownloadError);
    const wrong = fakeHost({ sendCapk: (r) => ({ ...r, index: "01" }) });
    await expect(new TmsDownloader(wrong, counters).capks()).rejects.toThrow(/asked/);
    const missing = fakeHost();
    const downloader = new TmsDownloader(missing, counters);
    const original = missing.query.bind(missing);
    missing.query = async (request) => {
      const answer = await original(request);
      if (request.fields[60]!.endsWith("370")) answer.response.fields[62] = "30";
      return answer;
    };
    await expect(downloader.capks()).rejects.toThrow(/host has no/);
  });
});
