import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import {
  type EcrControl,
  EcrLinkError,
  EcrSerialChannel,
  EcrServer,
  type EcrTerminal,
} from "../../../firmware/ecr/index.js";
import { ACK, encodeEcrTcpFrame, NAK, type RequestBodies } from "../../../protocol/ecr/index.js";
import { EcrClient } from "../../../tools/ecr/index.js";

/** A terminal that approves every payment once `present()` is called (or answers at once with `instant`). */
class FakeTerminal implements EcrTerminal {
  readonly poiId = "POI-1";
  payments = 0;
  instant = false;
  private presented: (() => void) | undefined;

  present(): void {
    this.presented?.();
  }

  async payment(request: RequestBodies["Payment"], control: EcrControl) {
    if (!this.instant) {
      control.onStage("waiting-card");
      await new Promise<void>((resolve, reject) => {
        this.presented = resolve;
        control.signal.addEventListener("abort", () => reject(control.signal.reason), { once: true });
      });
    }
    control.onStage("online");
    this.payments++;
    return {
      Response: { Result: "Success" as const },
      SaleData: { SaleTransactionID: request.SaleData.SaleTransactionID },
      POIData: { POITransactionID: { TransactionID: `000001-00000${this.payments}` } },
    };
  }

  async reversal() {
    return { Response: { Result: "Success" as const } };
  }

  find() {
    return undefined;
  }
}

let server: EcrServer | undefined;
const clients: EcrClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  await server?.close();
  server = undefined;
});

async function start(terminal: EcrTerminal, cardTimeoutMs?: number) {
  server = new EcrServer({
    terminal,
    tcp: { host: "127.0.0.1", port: 0 },
    ...(cardTimeoutMs ? { cardTimeoutMs } : {}),
  });
  const { tcp } = await server.start();
  return tcp!;
}

async function client(address: { host: string; port: number }, saleId = "REG") {
  const c = await EcrClient.connect({ tcp: address }, { saleId, timeoutMs: 5000 });
  clients.push(c);
  return c;
}

async function until(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe("EcrServer rules (fake terminal, TCP loopback)", () => {
  it("asks for a Login first, then checks the POIID", async () => {
    const address = await start(new FakeTerminal());
    const c = await client(address);
    expect((await c.pay(100)).Response).toMatchObject({ Result: "Failure", ErrorCondition: "LoggedOut" });
    await c.login();
    expect(c.poiId).toBe("POI-1");
    c.poiId = "OTHER";
    expect((await c.pay(100)).Response).toMatchObject({ Result: "Failure", ErrorCondition: "NotAllowed" });
  });

  it("a repeated ServiceID gets the stored answer, never a second payment", async () => {
    const terminal = new FakeTerminal();
    terminal.instant = true;
    const c = await client(await start(terminal));
    await c.login();
    const first = await c.pay(100, { serviceId: "S1", order: "O1" });
    const again = await c.pay(100, { serviceId: "S1", order: "O1" });
    expect(again).toEqual(first);
    expect(terminal.payments).toBe(1);
  });

  it("the card timeout ends a payment as Aborted; control is released when the link goes", async () => {
    const terminal = new FakeTerminal();
    const address = await start(terminal, 100);
    const c = await client(address);
    await c.login();
    const answer = await c.pay(100);
    expect(answer.Response).toMatchObject({ Result: "Failure", ErrorCondition: "Aborted" });
    expect(answer.Response.AdditionalResponse).toContain("no card");
    expect(server!.controllingSaleId).toBe("REG");
    c.destroy();
    await until(() => server!.controllingSaleId === undefined);
    const other = await client(address, "REG-2");
    expect((await other.login()).Response.Result).toBe("Success");
  });

  it("keeps control for the owner while its transaction runs past a lost link", async () => {
    const terminal = new FakeTerminal();
    const address = await start(terminal);
    const c = await client(address);
    await c.login();
    void c.pay(100, { serviceId: "LOST" }).catch(() => undefined);
    await until(() => server!.transactionStage === "waiting-card");
    c.destroy();
    await new Promise((r) => setTimeout(r, 30));
    const other = await client(address, "REG-2");
    expect((await other.login()).Response.ErrorCondition).toBe("Refusal");
    terminal.present();
    await until(() => server!.transactionStage === undefined);
    await until(() => server!.controllingSaleId === undefined);
    expect((await other.login()).Response.Result).toBe("Success");
    // Abort with nothing running is refused.
    expect((await other.abort()).Response.ErrorCondition).toBe("NotFound");
  });

  it("answers a malformed body with MessageFormat under the request's ServiceID, and drops garbage", async () => {
    const address = await start(new FakeTerminal());
    const socket = connect(address.port, address.host);
    await new Promise((r) => socket.once("connect", r));
    const received: Buffer[] = [];
    socket.on("data", (d) => received.push(d));
    const bad = {
      SaleToPOIRequest: {
        MessageHeader: {
          ProtocolVersion: "3.1",
          MessageClass: "Service",
          MessageCategory: "Payment",
          MessageType: "Request",
          ServiceID: "BAD1",
          SaleID: "REG",
          POIID: "POI-1",
        },
        PaymentRequest: { nonsense: true },
      },
    };
    socket.write(encodeEcrTcpFrame(Buffer.from("not json at all")));
    socket.write(encodeEcrTcpFrame(Buffer.from(JSON.stringify(bad))));
    await until(() => Buffer.concat(received).length > 4);
    await new Promise((r) => setTimeout(r, 20));
    const text = Buffer.concat(received).subarray(4).toString("utf8");
    const answer = JSON.parse(text);
    expect(answer.SaleToPOIResponse.MessageHeader).toMatchObject({
      ServiceID: "BAD1",
      MessageCategory: "Payment",
    });
    expect(answer.SaleToPOIResponse.PaymentResponse.Response).toMatchObject({
      Result: "Failure",
      ErrorCondition: "MessageFormat",
    });
    expect(answer.SaleToPOIResponse.PaymentResponse.Response.AdditionalResponse).toContain(
      "SaleToPOIRequest.PaymentRequest.SaleData",
    );
    socket.destroy();
  });
});

describe("EcrSerialChannel (memory link)", () => {
  it("resends on NAK and on silence, then gives up with EcrLinkError", async () => {
    const { host: a, device: b } = createMemoryLinkPair("ecr");
    const channel = new EcrSerialChannel(a, { onFrame: () => undefined, ackTimeoutMs: 30, maxResends: 2 });
    const seen: number[] = [];
    b.onData((chunk) => {
      seen.push(chunk.length);
      if (seen.length === 1) void b.write(Buffer.of(NAK));
      if (seen.length === 3) void b.write(Buffer.of(ACK));
    });
    await channel.send(Buffer.from("{}"));
    expect(channel.stats).toMatchObject({ naksReceived: 1, resends: 2 });
    const silent = new EcrSerialChannel(createMemoryLinkPair("silent").host, {
      onFrame: () => undefined,
      ackTimeoutMs: 10,
      maxResends: 1,
    });
    await expect(silent.send(Buffer.from("{}"))).rejects.toThrow(EcrLinkError);
    await channel.close();
    await silent.close();
  });
});
