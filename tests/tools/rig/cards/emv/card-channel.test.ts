import { describe, expect, it } from "vitest";
import {
  decodeT1Block,
  encodeT1Block,
  joinResponse,
  splitResponse,
} from "../../../../../protocol/iso7816/index.js";
import { cardChannel, testCard, testProfile } from "../../../../../tools/rig/cards/emv/index.js";
import { T0CardAdapter } from "../../../../../tools/rig/emulators/contact-reader/t0-card.js";
import { T1CardAdapter } from "../../../../../tools/rig/emulators/contact-reader/t1-card.js";

const AID = testProfile("unionpay-debit").application.aid;
const SELECT = Buffer.from(`00A4040008${AID}00`, "hex");

describe("cardChannel", () => {
  it("gives the kernels whole responses as {data, sw}", async () => {
    const channel = cardChannel(testCard("unionpay-debit"));
    const { data, sw } = await channel.transmit(SELECT);
    expect(sw).toBe(0x9000);
    expect(data[0]).toBe(0x6f);
    expect((await channel.transmit(Buffer.from("00B2090C00", "hex"))).sw).toBe(0x6a83);
  });

  it("honours an aborted signal and passes a removal on as a rejection", async () => {
    const channel = cardChannel(testCard("unionpay-debit", { faults: { removeAfterCommands: 1 } }));
    await expect(channel.transmit(SELECT, { signal: AbortSignal.abort() })).rejects.toThrow();
    await channel.transmit(SELECT);
    await expect(channel.transmit(SELECT)).rejects.toThrow(/card removed/);
  });
});

describe("through the contact reader's card-side protocol adapters", () => {
  it("T=0: case 4 SELECT answers 61xx and GET RESPONSE releases the FCI", () => {
    const t0 = new T0CardAdapter(testCard("unionpay-debit"), 16);
    const tpdu = SELECT.subarray(0, SELECT.length - 1); // T=0 case 4 drops Le
    let step = splitResponse(t0.handle(tpdu));
    const parts: Buffer[] = [];
    while (step.sw >> 8 === 0x61) {
      step = splitResponse(t0.handle(Buffer.from([0x00, 0xc0, 0x00, 0x00, step.sw & 0xff])));
      parts.push(step.data);
    }
    expect(step.sw).toBe(0x9000);
    const fci = Buffer.concat(parts);
    expect(fci[0]).toBe(0x6f);
    expect(joinResponse({ data: fci, sw: 0x9000 }).length).toBe(fci.length + 2);
  });

  it("T=1: the FCI comes back chained in IFSD-sized I-blocks", () => {
    const t1 = new T1CardAdapter(testCard("visa"));
    const visaSelect = Buffer.from(`00A4040007${testProfile("visa").application.aid}00`, "hex");
    let block = decodeT1Block(
      t1.handle(encodeT1Block({ kind: "I", nad: 0, ns: 0, more: false, inf: visaSelect })),
    );
    const parts: Buffer[] = [];
    for (let guard = 0; block.kind === "I" && guard < 20; guard++) {
      parts.push(block.inf);
      if (!block.more) break;
      const nr = (block.ns ^ 1) as 0 | 1;
      block = decodeT1Block(t1.handle(encodeT1Block({ kind: "R", nad: 0, nr, error: 0 })));
    }
    const response = splitResponse(Buffer.concat(parts));
    expect(response.sw).toBe(0x9000);
    expect(response.data[0]).toBe(0x6f);
  });
});
