import { afterEach, describe, expect, it } from "vitest";
import { AcquirerLink, tcpConnector } from "../../../firmware/acquirer/index.js";
import { buildSignIn } from "../../../protocol/iso8583/cup/builders.js";
import { cupSpec } from "../../../protocol/iso8583/cup/spec.js";
import { pack } from "../../../protocol/iso8583/message.js";
import { DEFAULT_MERCHANT_ID, DEFAULT_TERMINAL_ID, HostSimulator } from "../../../tools/host-sim/index.js";
import { seededRandom } from "../../tools/host-sim/harness.js";
import { HEADER, TPDU } from "./loopback-host.js";

const sims: HostSimulator[] = [];
const links: AcquirerLink[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

describe("AcquirerLink against the host simulator", () => {
  it("signs in: 0800 out, the matching 0810 back with keys and the batch", async () => {
    const sim = new HostSimulator({ random: seededRandom(11) });
    sims.push(sim);
    const address = await sim.start({ host: "127.0.0.1", port: 0 });
    const link = new AcquirerLink({
      connect: tcpConnector(address),
      tpdu: TPDU,
      header: HEADER,
      connectTimeoutMs: 2000,
      responseTimeoutMs: 2000,
    });
    links.push(link);
    const signIn = buildSignIn({
      terminalId: DEFAULT_TERMINAL_ID,
      merchantId: DEFAULT_MERCHANT_ID,
      stan: "000001",
      batch: "000000",
      operator: "01 ",
    });
    const reply = await link.exchange(pack(cupSpec, signIn), {
      mti: "0810",
      stan: "000001",
      terminalId: DEFAULT_TERMINAL_ID,
    });
    expect(reply.message.fields[39]).toBe("00");
    expect(reply.message.fields[41]).toBe(DEFAULT_TERMINAL_ID);
    expect(reply.message.fields[62]?.length).toBeGreaterThan(0);
    expect(reply.message.fields[60]).toMatch(/^00\d{6}003/);
    expect(reply.header.processingRequirement).toBe(0);
  });
});
