import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki, HostSimulator, type TestPki } from "../../../tools/host-sim/index.js";
import { CupClient } from "../../support/cup-client.js";
import { CARDS, request, seededRandom } from "./harness.js";

let pki: TestPki;
const sims: HostSimulator[] = [];
const clients: CupClient[] = [];

beforeAll(() => {
  pki = createTestPki({ client: true });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(sims.map((s) => s.stop()));
});

async function start(mutual: boolean) {
  const sim = new HostSimulator({
    random: seededRandom(7),
    tls: { cert: pki.server.cert, key: pki.server.key, ...(mutual ? { clientCa: pki.ca.cert } : {}) },
  });
  sims.push(sim);
  return sim.start();
}

describe("TLS", () => {
  it("handshake with the test CA, then sign-in and a MAC'd PIN sale over TLS", async () => {
    const address = await start(false);
    const client = await CupClient.connect({ ...address, tls: { ca: pki.ca.cert, servername: "localhost" } });
    clients.push(client);
    expect((await client.signIn()).message.fields[39]).toBe("00");
    const sale = await client.request(request(client, "sale", CARDS.debit, { amount: 88 }));
    expect(sale?.message.fields[39]).toBe("00");
    expect(sale?.macValid).toBe(true);
  });

  it("a client that does not trust the CA fails the handshake; the server carries on", async () => {
    const address = await start(false);
    const other = createTestPki({ keyBits: 1024 });
    await expect(
      CupClient.connect({ ...address, tls: { ca: other.ca.cert, servername: "localhost" } }),
    ).rejects.toThrow();
    const client = await CupClient.connect({ ...address, tls: { ca: pki.ca.cert, servername: "localhost" } });
    clients.push(client);
    expect((await client.signIn()).message.fields[39]).toBe("00");
  });

  it("mutual TLS: a client certificate from the CA is required", async () => {
    const address = await start(true);
    const client = await CupClient.connect({
      ...address,
      tls: { ca: pki.ca.cert, cert: pki.client!.cert, key: pki.client!.key, servername: "localhost" },
    });
    clients.push(client);
    expect((await client.signIn()).message.fields[39]).toBe("00");
    // Without a certificate the server refuses: the connection ends before any answer.
    let refused = false;
    try {
      const anonymous = await CupClient.connect({
        ...address,
        tls: { ca: pki.ca.cert, servername: "localhost" },
      });
      clients.push(anonymous);
      const reply = await anonymous.signIn().catch(() => undefined);
      refused = reply === undefined;
    } catch {
      refused = true;
    }
    expect(refused).toBe(true);
  });
});
