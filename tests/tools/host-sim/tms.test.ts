import { describe, expect, it } from "vitest";
import { UNIONPAY_DEFAULTS } from "../../../firmware/emv/shared/terminal-config.js";
import {
  buildAidDownloadRequest,
  buildBlacklistRequest,
  buildCapkDownloadRequest,
  buildQueryRequest,
  buildTmsRequest,
  parseAidQueryResponse,
  parseAidRecord,
  parseBlacklistPage,
  parseCapkQueryResponse,
  parseCapkRecord,
  parseDownloadResponse,
  parseTerminalParameters,
  type TmsCode,
} from "../../../protocol/iso8583/tms/index.js";
import { loadTestCapks } from "../../../tools/rig/cards/emv/index.js";
import type { CupClient } from "../../support/cup-client.js";
import { useHostSim } from "./harness.js";

const harness = useHostSim();

async function tms(client: CupClient, code: TmsCode, data?: Buffer) {
  const message = buildTmsRequest({
    terminalId: client.terminalId,
    merchantId: client.merchantId,
    stan: client.nextStan(),
    batch: client.batch,
    code,
    ...(data ? { data } : {}),
  });
  const answer = (await client.request(message, { mac: false }))!;
  const f62 = answer.message.fields[62];
  return {
    code: answer.message.fields[39],
    mti: answer.message.mti,
    f60: answer.message.fields[60],
    data: f62 === undefined ? undefined : Buffer.from(f62, "hex"),
  };
}

describe("TMS downloads on the host simulator", () => {
  it("pages the CAPK query and serves each test CAPK with its checksum", async () => {
    const env = await harness.start({ tms: { pageSize: 2 } });
    const client = await env.connect();
    await client.signIn();
    const first = await tms(client, "372", buildQueryRequest(0));
    expect(first.mti).toBe("0830");
    const page1 = parseCapkQueryResponse(first.data!);
    expect(page1.status).toBe("more");
    expect(page1.entries).toHaveLength(2);
    const page2 = parseCapkQueryResponse((await tms(client, "372", buildQueryRequest(2))).data!);
    expect(page2.status).toBe("last");
    const page3 = parseCapkQueryResponse((await tms(client, "372", buildQueryRequest(3))).data!);
    expect(page3).toEqual({ status: "none", entries: [] });

    const test = loadTestCapks()[0]!;
    const download = await tms(client, "370", buildCapkDownloadRequest({ rid: test.rid, index: test.index }));
    expect(download.mti).toBe("0810");
    expect(download.f60).toBe(`00${client.batch}370`);
    const record = parseCapkRecord(parseDownloadResponse(download.data!)!);
    expect(record).toMatchObject({
      rid: test.rid,
      index: test.index,
      modulus: test.modulus,
      checksum: test.hash,
    });
    const missing = await tms(client, "370", buildCapkDownloadRequest({ rid: "A000000333", index: "99" }));
    expect(parseDownloadResponse(missing.data!)).toBeUndefined();
    expect((await tms(client, "371")).code).toBe("00");

    const log = env.sim.tmsLog(client.terminalId);
    expect(log.map((e) => e.code)).toEqual(["372", "372", "372", "370", "370", "371"]);
    expect(log[3]).toMatchObject({ item: `${test.rid}:${test.index}`, sent: 1 });
    expect(log[4]).toMatchObject({ sent: 0 });
  });

  it("serves the UnionPay default AIDs in pages of 3 (continuation '2')", async () => {
    const env = await harness.start();
    const client = await env.connect();
    await client.signIn();
    const aids: string[] = [];
    for (;;) {
      const page = parseAidQueryResponse((await tms(client, "382", buildQueryRequest(aids.length))).data!);
      aids.push(...page.entries);
      expect(page.entries.length).toBeLessThanOrEqual(3);
      if (page.status !== "more") break;
    }
    expect(aids).toEqual(UNIONPAY_DEFAULTS.aids.map((a) => a.aid));
    const record = parseAidRecord(
      parseDownloadResponse((await tms(client, "380", buildAidDownloadRequest(aids[0]!))).data!)!,
    );
    expect(record).toMatchObject({ aid: aids[0], tacOnline: "584024F830", cvmLimit: 100_000 });
    expect(record.other).toEqual([{ tag: "9F66", value: "26000080" }]);
  });

  it("pages the black list and answers the terminal parameters", async () => {
    const pans = ["6225880000000001", "6225880000000002", "6225880000000003", "6225880000000004"];
    const env = await harness.start({
      tms: { blacklist: pans, parameters: { timeoutSeconds: 45, retries: 2 } },
    });
    const client = await env.connect();
    await client.signIn();
    const p1 = parseBlacklistPage((await tms(client, "390", buildBlacklistRequest(0))).data!);
    expect(p1).toEqual({ status: "more", pans: pans.slice(0, 3) });
    const p2 = parseBlacklistPage((await tms(client, "390", buildBlacklistRequest(3))).data!);
    expect(p2).toEqual({ status: "last", pans: pans.slice(3) });
    expect((await tms(client, "391")).data).toBeUndefined();
    const params = await tms(client, "360");
    expect(parseTerminalParameters(params.data!)).toEqual({ timeoutSeconds: 45, retries: 2 });
  });

  it("answers 30 to a malformed field 62 and refuses a bad config", async () => {
    const env = await harness.start();
    const client = await env.connect();
    await client.signIn();
    const bad = await tms(client, "372", Buffer.from("9XX"));
    expect(bad.code).toBe("30");
    expect(env.sim.tmsLog().at(-1)).toMatchObject({ code: "372", responseCode: "30" });
    await expect(harness.start({ tms: { pageSize: 0 } })).rejects.toThrow(/tms.pageSize/);
  });
});
