import { createHash, X509Certificate } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AcquirerConnectError,
  AcquirerLink,
  AcquirerPinningError,
  type TlsEndpoint,
  tlsConnector,
} from "../../../firmware/acquirer/index.js";
import { cupSpec } from "../../../protocol/iso8583/cup/spec.js";
import { pack } from "../../../protocol/iso8583/message.js";
import { createTestPki, type TestPki } from "../../../tools/host-sim/index.js";
import { HEADER, TERMINAL_ID, TPDU, useLoopbackHosts } from "./loopback-host.js";

const hosts = useLoopbackHosts();
const links: AcquirerLink[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
});

let pki: TestPki;
/** The server certificate's SPKI hash, computed independently of the connector (X509Certificate). */
let serverPin: string;
let caPin: string;

function pinOf(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

beforeAll(() => {
  pki = createTestPki({ keyBits: 1024 });
  serverPin = pinOf(pki.server.cert);
  caPin = pinOf(pki.ca.cert);
});

const echo = pack(cupSpec, { mti: "0820", fields: { 11: "000001", 41: TERMINAL_ID } });

async function exchangeOver(endpoint: Omit<TlsEndpoint, "host" | "port">) {
  const host = await hosts.tls((req, h) => h.reply(req), pki.server);
  const link = new AcquirerLink({
    connect: tlsConnector({ host: "127.0.0.1", port: host.port, ...endpoint }),
    tpdu: TPDU,
    header: HEADER,
    connectTimeoutMs: 2000,
    responseTimeoutMs: 2000,
  });
  links.push(link);
  const result = await link.exchange(echo, { mti: "0830", stan: "000001", terminalId: TERMINAL_ID }).then(
    (reply) => ({ reply, error: undefined }),
    (error: unknown) => ({ reply: undefined, error }),
  );
  return { ...result, host };
}

describe("tlsConnector", () => {
  it("connects with the test CA and a matching pin", async () => {
    const { reply, error } = await exchangeOver({ ca: pki.ca.cert, pinSha256: ["AAAA", serverPin] });
    expect(error).toBeUndefined();
    expect(reply?.message.fields[39]).toBe("00");
  });

  it("refuses a server whose key is not pinned, naming its hash; nothing is sent", async () => {
    const wrong = createHash("sha256").update("another key").digest("base64");
    // Pinning the CA's key is not pinning the leaf.
    const { error, host } = await exchangeOver({ ca: pki.ca.cert, pinSha256: [wrong, caPin] });
    expect(error).toBeInstanceOf(AcquirerPinningError);
    expect(error).toBeInstanceOf(AcquirerConnectError);
    const pinning = error as AcquirerPinningError;
    expect(pinning.sent).toBe(false);
    expect(pinning.spkiSha256).toBe(serverPin);
    expect(pinning.message).toContain(serverPin);
    expect(host.requests).toHaveLength(0);
  });

  it("an untrusted CA fails before the pin is looked at (plain connect error)", async () => {
    const other = createTestPki({ keyBits: 1024 });
    const { error } = await exchangeOver({ ca: other.ca.cert, pinSha256: [serverPin] });
    expect(error).toBeInstanceOf(AcquirerConnectError);
    expect(error).not.toBeInstanceOf(AcquirerPinningError);
  });

  it("checks the host name as usual: a wrong servername is refused even with the right pin", async () => {
    const { error } = await exchangeOver({
      ca: pki.ca.cert,
      servername: "acquirer.example",
      pinSha256: [serverPin],
    });
    expect(error).toBeInstanceOf(AcquirerConnectError);
    expect(error).not.toBeInstanceOf(AcquirerPinningError);
  });
});
