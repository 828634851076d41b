import { describe, expect, it } from "vitest";
import {
  DeviceCancelledError,
  DeviceDisconnectedError,
  DeviceProtocolError,
  DeviceTimeoutError,
} from "../../../drivers/core/device-error.js";
import {
  CardRemovedError,
  NoActiveCardError,
  Pn532StatusError,
  Pn532SyntaxError,
  RfError,
} from "../../../drivers/nfc/nfc-errors.js";
import { ScriptedCard } from "../../../tools/rig/virtual-card.js";
import { PPSE_FCI, pass, pn532Rig, quickPassCard, SELECT_PPSE } from "./pn532-rig.js";

const READ_LONG = Buffer.from("00B2010C00", "hex");
const READ_CHAINED = Buffer.from("00B2020C00", "hex");

async function openAndPoll(rig: ReturnType<typeof pn532Rig>) {
  await rig.run(rig.reader.open());
  return rig.run(rig.reader.poll({ timeoutMs: 500 }));
}

describe("Pn532Reader ↔ emulator: the happy path", () => {
  it("wakes a LowVbat PN532, configures it and reports the firmware", async () => {
    const rig = pn532Rig();
    expect(rig.emulator).toBeUndefined();
    const info = await rig.run(rig.reader.open());
    expect(info).toEqual({ model: "PN532 v1.6", supportsTypeB: true });
    expect(rig.emulator.inLowVbat).toBe(false);
    expect(rig.reader.session.state).toBe("idle");
    expect(rig.trace.filter((e) => e.type === "wake")).toHaveLength(1);
  });

  it("polls a Type A card and exchanges SELECT PPSE as domain values", async () => {
    const rig = pn532Rig();
    rig.field.place(quickPassCard());
    const card = await openAndPoll(rig);
    expect(card).toEqual({
      type: "A",
      uid: Buffer.from("04A1B2C3D4E5F6", "hex"),
      atqa: Buffer.from("0044", "hex"),
      sak: 0x20,
      ats: Buffer.from("0578807002", "hex"),
    });
    const response = await rig.run(rig.reader.transmit(SELECT_PPSE));
    expect(response.sw).toBe(0x9000);
    expect(response.data.toString("hex").toUpperCase()).toBe(PPSE_FCI);
    expect(await rig.run(rig.reader.presence())).toBe(true);
  });

  it("answers a typed 'none' when no card comes within the poll time, polling A and B in rounds", async () => {
    const rig = pn532Rig();
    await rig.run(rig.reader.open());
    const commandsBefore = rig.emulator.stats.commands;
    const started = rig.clock.now();
    expect(await rig.run(rig.reader.poll({ timeoutMs: 300 }))).toEqual({ type: "none" });
    expect(rig.clock.now() - started).toBeGreaterThanOrEqual(300);
    expect(rig.emulator.stats.commands - commandsBefore).toBeGreaterThanOrEqual(6);
  });

  it("finds a card after N empty polls (no-card fault)", async () => {
    const rig = pn532Rig({ emulator: { faults: [{ kind: "no-card", polls: 3 }] }, reader: { typeB: false } });
    rig.field.place(quickPassCard());
    await rig.run(rig.reader.open());
    const result = await rig.run(rig.reader.poll({ timeoutMs: 1000 }));
    expect(result.type).toBe("A");
    expect(rig.emulator.faults.fired["no-card"]).toBe(3);
  });

  it("polls a Type B card", async () => {
    const rig = pn532Rig();
    const atqb = Buffer.from("50A1B2C3D40000000000B1A1", "hex").subarray(0, 12);
    const card = Object.assign(new ScriptedCard({ name: "type-b", responses: { "00A4": "9000" } }), {
      contactlessB: { atqb, attribRes: Buffer.from([0x00]) },
    });
    rig.field.place(card);
    const result = await openAndPoll(rig);
    expect(result).toEqual({
      type: "B",
      uid: Buffer.from("A1B2C3D4", "hex"),
      atqb,
      attribRes: Buffer.from([0x00]),
    });
    expect((await rig.run(rig.reader.transmit(SELECT_PPSE))).sw).toBe(0x9000);
  });

  it("reports two cards in the field as a collision and activates neither", async () => {
    const rig = pn532Rig();
    rig.field.place(quickPassCard("one"));
    rig.field.place(
      new ScriptedCard({
        name: "two",
        contactless: { uid: "11223344", atqa: "0004", sak: 0x20, ats: "0578807002" },
        responses: {},
      }),
    );
    expect(await openAndPoll(rig)).toEqual({ type: "collision", cards: 2 });
    await expect(rig.run(rig.reader.transmit(SELECT_PPSE))).rejects.toThrow(NoActiveCardError);
  });

  it("carries a > 255-byte response in an extended frame", async () => {
    const rig = pn532Rig();
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    const response = await rig.run(rig.reader.transmit(READ_LONG));
    expect(response.data.length).toBe(258);
    expect(response.sw).toBe(0x9000);
    expect(rig.trace.some((e) => e.type === "rx" && e.extended)).toBe(true);
  });

  it("reassembles MI-chained responses (PN532 buffer limit and forced small chunks)", async () => {
    const rig = pn532Rig({ emulator: { faults: [{ kind: "chain", chunk: 7 }] } });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    const small = await rig.run(rig.reader.transmit(SELECT_PPSE));
    expect(small.data.toString("hex").toUpperCase()).toBe(PPSE_FCI);
    const big = await rig.run(rig.reader.transmit(READ_CHAINED));
    expect(big.data.length).toBe(600);
    expect(big.data.subarray(1).every((b) => b === 0x5a)).toBe(true);
  });

  it("chains a command longer than one DataOut with the MI bit", async () => {
    const rig = pn532Rig();
    const seen: Buffer[] = [];
    const card = quickPassCard();
    const transmit = card.transmit.bind(card);
    card.transmit = (apdu) => {
      seen.push(apdu);
      return transmit(apdu);
    };
    rig.field.place(card);
    await openAndPoll(rig);
    const apdu = Buffer.concat([Buffer.from("80DA0000000190", "hex"), Buffer.alloc(400, 0x33)]);
    await rig.run(rig.reader.transmit(apdu));
    expect(seen).toEqual([apdu]);
  });

  it("release deactivates the card; presence goes false once it leaves the field", async () => {
    const rig = pn532Rig();
    const card = quickPassCard();
    rig.field.place(card);
    await openAndPoll(rig);
    rig.field.remove(card);
    expect(await rig.run(rig.reader.presence())).toBe(false);
    expect(rig.reader.activeCard).toBeUndefined();
    rig.field.place(card);
    await rig.run(rig.reader.poll({ timeoutMs: 100 }));
    await rig.run(rig.reader.release());
    await expect(rig.run(rig.reader.transmit(SELECT_PPSE))).rejects.toThrow(NoActiveCardError);
  });

  it("a tap lasts a number of RF operations, then the card is gone", async () => {
    const rig = pn532Rig();
    rig.field.tap(quickPassCard(), 2);
    await openAndPoll(rig);
    await rig.run(rig.reader.transmit(SELECT_PPSE));
    await expect(rig.run(rig.reader.transmit(SELECT_PPSE))).rejects.toThrow(CardRemovedError);
  });
});

describe("Pn532Reader ↔ emulator: device faults", () => {
  it("no ACK on a poll: re-wakes the PN532 and resends (idempotent)", async () => {
    const rig = pn532Rig({ emulator: { faults: [{ kind: "no-ack", command: "InListPassiveTarget" }] } });
    rig.field.place(quickPassCard());
    const result = await openAndPoll(rig);
    expect(result.type).toBe("A");
    expect(rig.reader.session.counters.ackTimeouts).toBe(1);
    expect(rig.trace.filter((e) => e.type === "wake")).toHaveLength(2);
  });

  it("no ACK on an APDU: times out without resending it (the card must not run it twice)", async () => {
    const rig = pn532Rig({ emulator: { faults: [{ kind: "no-ack", command: "InDataExchange" }] } });
    const card = quickPassCard();
    let runs = 0;
    const transmit = card.transmit.bind(card);
    card.transmit = (apdu) => {
      runs++;
      return transmit(apdu);
    };
    rig.field.place(card);
    await openAndPoll(rig);
    await expect(rig.run(rig.reader.transmit(SELECT_PPSE))).rejects.toThrow(
      /no ACK to InDataExchange within 15 ms/,
    );
    expect(runs).toBe(0);
    // The next command wakes the chip first and goes through.
    expect((await rig.run(rig.reader.transmit(SELECT_PPSE))).sw).toBe(0x9000);
    expect(runs).toBe(1);
  });

  it("no ACK ever: the open fails with a timeout naming the ACK", async () => {
    const rig = pn532Rig({
      emulator: { faults: [{ kind: "no-ack", command: "SAMConfiguration", times: Infinity }] },
    });
    await expect(rig.run(rig.reader.open())).rejects.toThrow(DeviceTimeoutError);
    await expect(rig.run(rig.reader.open())).rejects.toThrow("no ACK to SAMConfiguration");
  });

  it("a corrupted response is NACKed and the resend accepted", async () => {
    const rig = pn532Rig({ emulator: { faults: [{ kind: "corrupt-response", command: "InDataExchange" }] } });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    expect((await rig.run(rig.reader.transmit(SELECT_PPSE))).sw).toBe(0x9000);
    expect(rig.reader.session.counters.nacksSent).toBe(1);
    expect(rig.emulator.stats.nacksReceived).toBe(1);
  });

  it("a response that stays corrupted gives up after 3 NACKs", async () => {
    const rig = pn532Rig({
      emulator: { faults: [{ kind: "corrupt-response", command: "InDataExchange", times: 10 }] },
    });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    await expect(rig.run(rig.reader.transmit(SELECT_PPSE))).rejects.toThrow(/still corrupted after 3 NACKs/);
    expect(rig.emulator.stats.nacksReceived).toBe(3);
  });

  it("the syntax-error frame becomes Pn532SyntaxError", async () => {
    const rig = pn532Rig({ emulator: { faults: [{ kind: "syntax-error", command: "InDataExchange" }] } });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    const failure = rig.run(rig.reader.transmit(SELECT_PPSE));
    await expect(failure).rejects.toThrow(Pn532SyntaxError);
    await expect(failure).rejects.toThrow(DeviceProtocolError);
    expect((await rig.run(rig.reader.transmit(SELECT_PPSE))).sw).toBe(0x9000);
  });

  it("status 01 mid-APDU (card removed between SELECT and GPO) is CardRemovedError", async () => {
    const rig = pn532Rig({
      emulator: { faults: [{ kind: "status", status: 0x01, removeCard: true, skip: 1 }] },
    });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    await rig.run(rig.reader.transmit(SELECT_PPSE));
    await expect(rig.run(rig.reader.transmit(Buffer.from("80A8000002830000", "hex")))).rejects.toThrow(
      CardRemovedError,
    );
    expect(rig.reader.activeCard).toBeUndefined();
    expect(await rig.run(rig.reader.poll({ timeoutMs: 100 }))).toEqual({ type: "none" });
  });

  it.each([
    [0x2b, CardRemovedError],
    [0x13, RfError],
    [0x02, RfError],
    [0x27, Pn532StatusError],
  ])("status %i maps to its typed error", async (status, type) => {
    const rig = pn532Rig({ emulator: { faults: [{ kind: "status", status }] } });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    const failure = rig.run(rig.reader.transmit(SELECT_PPSE));
    await expect(failure).rejects.toThrow(type);
    if (type === RfError)
      await expect(failure).rejects.toMatchObject({ retryable: true, status: { error: status } });
  });

  it("a PN532 that lost power (back in LowVbat) is re-woken and configured before the resend", async () => {
    const rig = pn532Rig();
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    rig.emulator.powerCycle();
    expect(rig.emulator.inLowVbat).toBe(true);
    expect((await rig.run(rig.reader.poll({ timeoutMs: 200 }))).type).toBe("A");
    expect(rig.emulator.inLowVbat).toBe(false);
  });

  it("a slow card (WTX-like delay) is waited for within the APDU timeout", async () => {
    const rig = pn532Rig({ emulator: { faults: [{ kind: "slow-card", delayMs: 1500 }] } });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    const started = rig.clock.now();
    expect((await rig.run(rig.reader.transmit(SELECT_PPSE))).sw).toBe(0x9000);
    expect(rig.clock.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it("a card slower than the timeout: the driver aborts with an ACK and the late reply never answers later", async () => {
    const rig = pn532Rig({ emulator: { faults: [{ kind: "slow-card", delayMs: 10_000 }] } });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    await expect(rig.run(rig.reader.transmit(SELECT_PPSE))).rejects.toThrow(
      /no response to InDataExchange within 3000 ms/,
    );
    await pass(rig.clock, 2);
    expect(rig.emulator.stats.abortsReceived).toBe(1);
    await pass(rig.clock, 8000);
    const next = await rig.run(rig.reader.transmit(READ_LONG));
    expect(next.data.length).toBe(258);
  });

  it("a late reply (link delay past the timeout) is discarded, never taken as the next answer", async () => {
    const rig = pn532Rig({
      linkFaults: {
        rules: [{ startsWith: [0x00, 0x00, 0xff, 0x2a], faults: [{ kind: "delay", ms: 3500 }] }],
      },
    });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    // The rule delays the emulator's reply to SELECT PPSE (its frame header 00 00 FF 2A) past 3000 ms.
    await expect(rig.run(rig.reader.transmit(SELECT_PPSE))).rejects.toThrow(DeviceTimeoutError);
    await pass(rig.clock, 4000);
    const next = await rig.run(rig.reader.transmit(READ_LONG));
    expect(next.data.length).toBe(258);
  });

  it("cancelling through AbortSignal sends the ACK abort and stops the card's reply", async () => {
    const rig = pn532Rig({ emulator: { faults: [{ kind: "slow-card", delayMs: 2000 }] } });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    const controller = new AbortController();
    const pending = rig.run(rig.reader.transmit(SELECT_PPSE, { signal: controller.signal }));
    rig.clock.setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toThrow(DeviceCancelledError);
    await pass(rig.clock, 2);
    expect(rig.emulator.stats.abortsReceived).toBe(1);
    expect(rig.reader.session.counters.aborts).toBe(1);
    await pass(rig.clock, 3000);
    expect((await rig.run(rig.reader.transmit(SELECT_PPSE))).sw).toBe(0x9000);
  });

  it("cancelling a poll while it waits between rounds", async () => {
    const rig = pn532Rig();
    await rig.run(rig.reader.open());
    const controller = new AbortController();
    const pending = rig.run(rig.reader.poll({ timeoutMs: 10_000, signal: controller.signal }));
    rig.clock.setTimeout(() => controller.abort(), 120);
    await expect(pending).rejects.toThrow(DeviceCancelledError);
  });

  it("survives byte-by-byte delivery and garbage on the link (resync counted)", async () => {
    const rig = pn532Rig({
      linkFaults: {
        rules: [
          {
            faults: [
              { kind: "split", chunkSize: 1 },
              { kind: "garbage", bytes: [0x13, 0x37, 0xff], where: "before" },
            ],
            repeat: true,
          },
        ],
      },
    });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    expect((await rig.run(rig.reader.transmit(READ_LONG))).data.length).toBe(258);
    expect(rig.reader.session.counters.resyncs).toBeGreaterThan(0);
  });

  it("seeded random link faults: every APDU ends in a result or a typed error, and the reader recovers", async () => {
    const rig = pn532Rig({
      linkFaults: { random: { rate: 0.3, seed: 532, kinds: ["split", "garbage", "corrupt", "delay"] } },
    });
    rig.field.place(quickPassCard());
    await rig.run(rig.reader.open()).catch(() => undefined);
    let ok = 0;
    for (let i = 0; i < 25; i++) {
      try {
        if (!rig.reader.activeCard) await rig.run(rig.reader.poll({ timeoutMs: 200 }));
        const response = await rig.run(rig.reader.transmit(SELECT_PPSE));
        expect(response.data.toString("hex").toUpperCase()).toBe(PPSE_FCI);
        ok++;
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).constructor.name).toMatch(/^(Device|Pn532|Card|Rf|NoActive)/);
      }
    }
    expect(ok).toBeGreaterThan(10);
  });
});

describe("Pn532Reader: link loss and reopen", () => {
  it("fails the APDU in flight as disconnected, reports it, then reopens, re-wakes and polls again", async () => {
    const rig = pn532Rig({ emulator: { faults: [{ kind: "slow-card", delayMs: 500 }] } });
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    const lost: Error[] = [];
    rig.reader.onDisconnect((error) => lost.push(error));
    const inFlight = rig.run(rig.reader.transmit(SELECT_PPSE));
    rig.clock.setTimeout(() => void rig.unplug(), 100);
    await expect(inFlight).rejects.toThrow(DeviceDisconnectedError);
    expect(lost).toHaveLength(1);
    expect(rig.reader.session.state).toBe("disconnected");
    await expect(rig.run(rig.reader.transmit(SELECT_PPSE))).rejects.toThrow(NoActiveCardError);
    expect((await rig.run(rig.reader.poll({ timeoutMs: 200 }))).type).toBe("A");
    expect(rig.opens).toBe(2);
    expect(rig.reader.session.counters.reopens).toBe(1);
    expect(rig.emulator.inLowVbat).toBe(false);
    expect((await rig.run(rig.reader.transmit(SELECT_PPSE))).sw).toBe(0x9000);
  });

  it("a port that does not come back gives DeviceDisconnectedError, and works once it does", async () => {
    const rig = pn532Rig();
    rig.field.place(quickPassCard());
    await openAndPoll(rig);
    await rig.unplug();
    rig.refuseOpens(true);
    await expect(rig.run(rig.reader.poll({ timeoutMs: 100 }))).rejects.toThrow(
      /cannot open the link: no such port/,
    );
    rig.refuseOpens(false);
    expect((await rig.run(rig.reader.poll({ timeoutMs: 100 }))).type).toBe("A");
  });

  it("close is idempotent and later commands fail cleanly", async () => {
    const rig = pn532Rig();
    await rig.run(rig.reader.open());
    await rig.reader.close();
    await rig.reader.close();
    await expect(rig.run(rig.reader.poll({ timeoutMs: 10 }))).rejects.toThrow("nfc: not open");
  });
});
