import { describe, expect, it } from "vitest";
import type { Iso8583Message } from "../../../protocol/iso8583/spec.js";
import { buildField60 } from "../../../protocol/iso8583/subfields/field60.js";
import { buildField61 } from "../../../protocol/iso8583/subfields/field61.js";
import {
  codeFromField59,
  SCAN_CODE_QUERY,
  SCAN_CODE_SALE,
  scanCodeField59,
} from "../../../tools/host-sim/scan-code.js";
import type { CupClient } from "../../support/cup-client.js";
import { useHostSim } from "./harness.js";

const harness = useHostSim();

async function signedIn() {
  const env = await harness.start();
  const client = await env.connect();
  expect((await client.signIn()).message.fields[39]).toBe("00");
  return client;
}

function scanMessage(
  client: CupClient,
  code: string,
  amount: number,
  extra: Record<number, string> = {},
): Iso8583Message {
  return {
    mti: "0200",
    fields: {
      3: SCAN_CODE_SALE,
      4: String(amount).padStart(12, "0"),
      11: client.nextStan(),
      22: "032",
      25: "00",
      41: client.terminalId,
      42: client.merchantId,
      49: "156",
      59: scanCodeField59(code),
      60: buildField60({ txnType: "22", batch: client.batch, netMgmtCode: "000", readCapability: "6" }),
      ...extra,
    },
  };
}

function queryMessage(client: CupClient, code: string, original: Iso8583Message): Iso8583Message {
  return scanMessage(client, code, Number(original.fields[4]), {
    3: SCAN_CODE_QUERY,
    61: buildField61({ originalBatch: client.batch, originalStan: original.fields[11]! }),
  });
}

describe("scan-code payment on the host simulator", () => {
  it("field 59 carries the code as A5 + length + digits", () => {
    expect(scanCodeField59("134567890123456789")).toBe("A5018134567890123456789");
    expect(codeFromField59("A5018134567890123456789")).toBe("134567890123456789");
    expect(codeFromField59("A5019134567890123456789")).toBeUndefined();
    expect(codeFromField59("B1003abc")).toBeUndefined();
  });

  it("approves a WeChat / Alipay / UnionPay code with a MAC'd 0210, auth code and RRN", async () => {
    const client = await signedIn();
    for (const code of ["134567890123456789", "284567890123456789", "6222600123456789012"]) {
      const reply = await client.request(scanMessage(client, code, 1234));
      expect(reply?.message.mti).toBe("0210");
      expect(reply?.message.fields[39]).toBe("00");
      expect(reply?.message.fields[38]).toMatch(/^.{6}$/);
      expect(reply?.message.fields[37]).toMatch(/^\d{12}$/);
      expect(reply?.message.fields[22]).toBe("032");
      expect(reply?.macValid).toBe(true);
    }
  });

  it("declines by the test list and refuses a code used twice or that is no wallet's", async () => {
    const client = await signedIn();
    expect((await client.request(scanMessage(client, "134567890123455100", 100)))?.message.fields[39]).toBe(
      "51",
    );
    expect((await client.request(scanMessage(client, "134567890123455400", 100)))?.message.fields[39]).toBe(
      "54",
    );
    const code = "134567890123456711";
    expect((await client.request(scanMessage(client, code, 100)))?.message.fields[39]).toBe("00");
    expect((await client.request(scanMessage(client, code, 100)))?.message.fields[39]).toBe("12");
    expect((await client.request(scanMessage(client, "994567890123456789", 100)))?.message.fields[39]).toBe(
      "14",
    );
    expect((await client.request(scanMessage(client, "134567890123456712", 0)))?.message.fields[39]).toBe(
      "13",
    );
  });

  it("pending (09) while the customer confirms, then the query answers the final state", async () => {
    const client = await signedIn();
    const sale = scanMessage(client, "134567890123450900", 5000);
    expect((await client.request(sale))?.message.fields[39]).toBe("09");
    expect((await client.request(queryMessage(client, "134567890123450900", sale)))?.message.fields[39]).toBe(
      "09",
    );
    const final = await client.request(queryMessage(client, "134567890123450900", sale));
    expect(final?.message.fields[39]).toBe("00");
    expect(final?.message.fields[38]).toMatch(/^.{6}$/);
    // Asking again gives the same final answer.
    expect((await client.request(queryMessage(client, "134567890123450900", sale)))?.message.fields[39]).toBe(
      "00",
    );

    const failing = scanMessage(client, "134567890123450951", 5000);
    expect((await client.request(failing))?.message.fields[39]).toBe("09");
    expect(
      (await client.request(queryMessage(client, "134567890123450951", failing)))?.message.fields[39],
    ).toBe("09");
    expect(
      (await client.request(queryMessage(client, "134567890123450951", failing)))?.message.fields[39],
    ).toBe("51");
  });

  it("approved scan-code sales go into the ledger (settlement counts them); declines and pending ones do not", async () => {
    const env = await harness.start();
    const client = await env.connect();
    await client.signIn();
    expect((await client.request(scanMessage(client, "134567890123456733", 1_500)))?.message.fields[39]).toBe(
      "00",
    );
    expect((await client.request(scanMessage(client, "134567890123455100", 9_999)))?.message.fields[39]).toBe(
      "51",
    );
    const pending = scanMessage(client, "284567890123450900", 2_500);
    expect((await client.request(pending))?.message.fields[39]).toBe("09");
    expect(
      env.sim
        .ledger()
        .transactions.filter((t) => t.approved)
        .map((t) => t.amount),
    ).toEqual([1_500]);
    await client.request(queryMessage(client, "284567890123450900", pending));
    expect(
      (await client.request(queryMessage(client, "284567890123450900", pending)))?.message.fields[39],
    ).toBe("00");
    const approved = env.sim.ledger().transactions.filter((t) => t.approved);
    expect(approved.map((t) => [t.transaction, t.amount, t.stan])).toEqual([
      ["sale", 1_500, expect.any(String)],
      ["sale", 2_500, pending.fields[11]],
    ]);
    expect(approved.every((t) => t.note?.startsWith("scan-code") && !t.note.includes("4567890123"))).toBe(
      true,
    );
    expect(env.sim.ledger().totals.debit).toBe(4_000);
  });

  it("a query for an unknown sale answers 25; an unsigned request A0", async () => {
    const client = await signedIn();
    const ghost = scanMessage(client, "134567890123456720", 100);
    expect(
      (await client.request(queryMessage(client, "134567890123456720", ghost)))?.message.fields[39],
    ).toBe("25");
    const env = await harness.start();
    const unsigned = await env.connect();
    const reply = await unsigned.request(scanMessage(unsigned, "134567890123456721", 100), { mac: false });
    expect(reply?.message.fields[39]).toBe("A0");
  });
});
