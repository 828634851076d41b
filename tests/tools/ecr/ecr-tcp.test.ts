import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TerminalAppEcr } from "../../../firmware/app/ecr-terminal.js";
import { EcrServer } from "../../../firmware/ecr/index.js";
import { EcrClient, type EcrTarget } from "../../../tools/ecr/index.js";
import { RigTerminal } from "../../../tools/terminal/rig-terminal.js";

let t: RigTerminal;
let server: EcrServer | undefined;
const clients: EcrClient[] = [];

beforeAll(async () => {
  t = await RigTerminal.start({ settings: (s) => ({ ...s, host: { ...s.host, responseTimeoutMs: 1500 } }) });
  await t.app.selfTest();
  await t.app.signIn(AbortSignal.timeout(10_000));
});

afterAll(async () => {
  await t?.stop();
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => undefined);
  await server?.close();
  server = undefined;
});

async function startServer(options: { cardTimeoutMs?: number } = {}) {
  server = new EcrServer({
    terminal: new TerminalAppEcr(t.app),
    tcp: { host: "127.0.0.1", port: 0 },
    ws: { host: "127.0.0.1", port: 0 },
    ...options,
  });
  const { tcp, ws } = await server.start();
  return { tcp: { tcp: tcp! } as EcrTarget, ws: { ws: `ws://127.0.0.1:${ws!.port}` } as EcrTarget };
}

async function connect(target: EcrTarget, saleId = "REGISTER-1") {
  const client = await EcrClient.connect(target, { saleId, timeoutMs: 20_000 });
  clients.push(client);
  return client;
}

async function loggedIn(target: EcrTarget, saleId = "REGISTER-1") {
  const client = await connect(target, saleId);
  expect((await client.login()).Response.Result).toBe("Success");
  return client;
}

/** Resolves once the terminal waits for the card (the register's status request says so). */
async function waitingForCard(client: EcrClient) {
  for (let i = 0; i < 250; i++) {
    const status = await client.status();
    if (status.Response.AdditionalResponse?.includes("waiting-card")) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the terminal never waited for the card");
}

/** A sale the register starts and the cardholder swipes (the rig's velocity check allows 5 per card). */
async function swipedPayment(client: EcrClient, amount: number, order: string, card = "cup-magstripe") {
  const paying = client.pay(amount, { order });
  await waitingForCard(client);
  await t.rig.swipe(card);
  return paying;
}

const slipText = (answer: Awaited<ReturnType<EcrClient["pay"]>>) =>
  (answer.PaymentReceipt ?? []).flatMap((r) => r.OutputContent.OutputText.map((l) => l.Text)).join("\n");

describe("ECR over TCP and WebSocket, the terminal on the rig", () => {
  it("pays: approved, masked PAN, auth code, RRN, trace/batch and the slip text with the order number", async () => {
    const { tcp } = await startServer();
    const client = await loggedIn(tcp);
    const answer = await swipedPayment(client, 1234, "ORDER-1");
    expect(answer.Response).toEqual({ Result: "Success" });
    expect(answer.SaleData?.SaleTransactionID.TransactionID).toBe("ORDER-1");
    const result = answer.PaymentResult!;
    expect(result.AmountsResp).toEqual({ Currency: "CNY", AuthorizedAmount: 1234 });
    expect(result.PaymentInstrumentData?.CardData?.MaskedPAN).toMatch(/^622202\*+0014$/);
    expect(result.PaymentInstrumentData?.CardData?.EntryMode).toEqual(["MagStripe"]);
    const acquirer = result.PaymentAcquirerData!;
    expect(acquirer.ApprovalCode).toMatch(/^\d{6}$/);
    expect(acquirer.AcquirerTransactionID?.TransactionID).toMatch(/^\d{12}$/);
    expect(acquirer.AcquirerPOIID).toBe(t.app.settings.terminal.terminalId);
    const record = t.app.journal.findByStan(acquirer.TraceNumber, acquirer.BatchNumber)!;
    expect(record).toMatchObject({
      status: "approved",
      amount: 1234,
      orderId: "ORDER-1",
      rrn: acquirer.AcquirerTransactionID?.TransactionID,
    });
    expect(answer.POIData?.POITransactionID.TransactionID).toBe(`${record.batch}-${record.stan}`);
    const slip = slipText(answer);
    expect(slip).toContain("ORDER-1");
    expect(slip).toContain("12.34");
    expect(slip).toContain(acquirer.ApprovalCode!);
    expect(answer.PaymentReceipt?.map((r) => r.DocumentQualifier)).toContain("CashierReceipt");
  });

  it("answers Busy to a request that arrives while a transaction runs, then completes the first", async () => {
    const { tcp } = await startServer();
    const client = await loggedIn(tcp);
    const paying = client.pay(2000, { order: "ORDER-BUSY" });
    await waitingForCard(client);
    const second = await loggedIn(tcp);
    const busy = await second.pay(3000, { order: "ORDER-2" });
    expect(busy.Response).toMatchObject({ Result: "Failure", ErrorCondition: "Busy" });
    expect((await client.logout()).Response.ErrorCondition).toBe("Busy");
    await t.rig.swipe("cup-magstripe");
    expect((await paying).Response.Result).toBe("Success");
  });

  it("refuses a second sale system while the first is logged in, until it logs out", async () => {
    const { tcp } = await startServer();
    const first = await loggedIn(tcp, "REGISTER-1");
    const other = await connect(tcp, "REGISTER-2");
    expect((await other.login()).Response).toMatchObject({ Result: "Failure", ErrorCondition: "Refusal" });
    expect((await other.pay(100)).Response).toMatchObject({ Result: "Failure", ErrorCondition: "Refusal" });
    expect((await first.logout()).Response.Result).toBe("Success");
    expect((await other.login()).Response.Result).toBe("Success");
  });

  it("keeps the result when the link drops mid-transaction: reconnect and TransactionStatus returns it", async () => {
    const { tcp } = await startServer();
    const client = await loggedIn(tcp);
    const paying = client.pay(4321, { order: "ORDER-LOST" });
    await waitingForCard(client);
    client.destroy();
    await expect(paying).rejects.toThrow(/link closed/);
    await t.rig.swipe("cup-magstripe");
    const again = await loggedIn(tcp);
    const status = await again.statusWhenDone({ transactionId: "ORDER-LOST" });
    expect(status.Response.Result).toBe("Success");
    const repeated = status.RepeatedMessageResponse!;
    expect(repeated.MessageHeader).toMatchObject({
      MessageCategory: "Payment",
      MessageType: "Response",
      SaleID: "REGISTER-1",
    });
    const payment = repeated.RepeatedResponseMessageBody.PaymentResponse!;
    expect(payment.Response.Result).toBe("Success");
    expect(payment.PaymentResult?.AmountsResp?.AuthorizedAmount).toBe(4321);
    expect(payment.PaymentResult?.PaymentAcquirerData?.ApprovalCode).toMatch(/^\d{6}$/);
    // The last transaction (no reference) is the same one.
    const last = await again.status();
    expect(last.RepeatedMessageResponse?.RepeatedResponseMessageBody.PaymentResponse?.POIData).toEqual(
      payment.POIData,
    );

    // A restart forgets memory: the journal still answers by the register's TransactionID and by the POI id.
    await server!.close();
    const { tcp: restarted } = await startServer();
    const fresh = await loggedIn(restarted);
    const recovered = await fresh.status({ transactionId: "ORDER-LOST" });
    const body = recovered.RepeatedMessageResponse?.RepeatedResponseMessageBody.PaymentResponse;
    expect(body?.Response.Result).toBe("Success");
    expect(body?.PaymentResult?.PaymentAcquirerData).toEqual(payment.PaymentResult?.PaymentAcquirerData);
    const byPoi = await fresh.status({ poiTransactionId: payment.POIData!.POITransactionID.TransactionID });
    expect(
      byPoi.RepeatedMessageResponse?.RepeatedResponseMessageBody.PaymentResponse?.SaleData?.SaleTransactionID
        .TransactionID,
    ).toBe("ORDER-LOST");
    expect((await fresh.status({ transactionId: "NO-SUCH" })).Response.ErrorCondition).toBe("NotFound");
  });

  it("refunds part of a sale by its POITransactionID", async () => {
    const { tcp } = await startServer();
    const client = await loggedIn(tcp);
    const sale = await swipedPayment(client, 5000, "ORDER-R1", "cup-credit");
    const original = sale.POIData!.POITransactionID.TransactionID;
    const refunding = client.refund(2000, original, { order: "ORDER-R2" });
    await waitingForCard(client);
    await t.rig.swipe("cup-credit");
    const refund = await refunding;
    expect(refund.Response.Result).toBe("Success");
    expect(refund.PaymentResult?.PaymentType).toBe("Refund");
    const acquirer = refund.PaymentResult!.PaymentAcquirerData!;
    expect(t.app.journal.findByStan(acquirer.TraceNumber, acquirer.BatchNumber)).toMatchObject({
      type: "refund",
      amount: 2000,
      status: "approved",
    });
  });

  it("reverses the last sale with a 0400: the host ledger shows it reversed", async () => {
    const { tcp } = await startServer();
    const client = await loggedIn(tcp);
    const sale = await swipedPayment(client, 7777, "ORDER-V1");
    const rrn = sale.PaymentResult!.PaymentAcquirerData!.AcquirerTransactionID!.TransactionID;
    const reversal = await client.reverse(sale.POIData!.POITransactionID.TransactionID);
    expect(reversal).toMatchObject({
      Response: { Result: "Success" },
      ReversalMethod: "Reversal",
      ReversedAmount: 7777,
    });
    const entry = t.host.ledger().transactions.find((e) => e.rrn === rrn && e.amount === 7777);
    expect(entry?.status).toBe("reversed");
    const record = t.app.journal.findByRrn(rrn)!;
    expect(record).toMatchObject({ status: "reversed", reversal: { state: "confirmed", reason: "06" } });
    // Asked again (a resent request): answered, not sent twice.
    expect((await client.reverse(sale.POIData!.POITransactionID.TransactionID)).Response.Result).toBe(
      "Success",
    );
  });

  it("aborts a payment that is waiting for the card", async () => {
    const { tcp } = await startServer();
    const client = await loggedIn(tcp);
    const paying = client.pay(1500, { order: "ORDER-ABORT" });
    await waitingForCard(client);
    expect((await client.abort()).Response.Result).toBe("Success");
    const answer = await paying;
    expect(answer.Response).toMatchObject({ Result: "Failure", ErrorCondition: "Aborted" });
    expect((await client.abort()).Response.ErrorCondition).toBe("NotFound");
    // The terminal is free again.
    expect((await swipedPayment(client, 100, "ORDER-AFTER", "cup-credit")).Response.Result).toBe("Success");
  });

  it("pays over WebSocket", async () => {
    const { ws } = await startServer();
    const client = await loggedIn(ws);
    const answer = await swipedPayment(client, 888, "ORDER-WS", "cup-credit");
    expect(answer.Response.Result).toBe("Success");
    expect(answer.PaymentResult?.AmountsResp?.AuthorizedAmount).toBe(888);
  });
});
