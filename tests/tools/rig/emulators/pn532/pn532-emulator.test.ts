import { describe, expect, it } from "vitest";
import { createMemoryLinkPair } from "../../../../../drivers/link/memory-link.js";
import { fromHex, toHex } from "../../../../../protocol/hex.js";
import {
  ACK_FRAME,
  commands,
  encodeCommandFrame,
  NACK_FRAME,
  Pn532Decoder,
  type Pn532Event,
} from "../../../../../protocol/pn532/index.js";
import { Pn532Emulator, type Pn532EmulatorOptions } from "../../../../../tools/rig/emulators/pn532/index.js";
import { ScriptedCard } from "../../../../../tools/rig/virtual-card.js";
import { ManualClock } from "../../../../support/manual-clock.js";

const WAKE = Buffer.concat([Buffer.from([0x55, 0x55]), Buffer.alloc(14)]);
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The host side done by hand: raw bytes out, raw bytes and decoded events back. */
function bench(options: Pn532EmulatorOptions = {}) {
  const clock = new ManualClock();
  const { host, device } = createMemoryLinkPair("pn532-test");
  const emulator = new Pn532Emulator(device, { clock, ...options });
  const received: Buffer[] = [];
  const decoder = new Pn532Decoder();
  const events: Pn532Event[] = [];
  host.onData((chunk) => {
    received.push(chunk);
    events.push(...decoder.push(chunk));
  });
  return {
    clock,
    emulator,
    events,
    /** Sends bytes and returns everything the emulator wrote back (hex) after the link settles. */
    async send(bytes: Buffer, rounds = 4): Promise<string> {
      received.length = 0;
      events.length = 0;
      await host.write(bytes);
      for (let i = 0; i < rounds; i++) await tick();
      return toHex(Buffer.concat(received));
    },
  };
}

const card = () =>
  new ScriptedCard({
    name: "card",
    contactless: { uid: "01020304", atqa: "0004", sak: 0x20, ats: "78807002" },
    responses: { "00A4": "6F009000" },
  });

describe("Pn532Emulator on the wire", () => {
  it("ignores commands while powered down / in LowVbat, then answers the reference SAMConfiguration", async () => {
    const b = bench();
    expect(await b.send(encodeCommandFrame(commands.getFirmwareVersion()))).toBe("");
    // Awake but still LowVbat: only SAMConfiguration is taken.
    expect(await b.send(Buffer.concat([WAKE, encodeCommandFrame(commands.getFirmwareVersion())]))).toBe("");
    expect(b.emulator.inLowVbat).toBe(true);
    expect(await b.send(encodeCommandFrame(commands.samConfigurationNormal()))).toBe(
      "0000FF00FF000000FF02FED5151600",
    );
    expect(await b.send(encodeCommandFrame(commands.getFirmwareVersion()))).toBe(
      "0000FF00FF000000FF06FAD50332010607E800",
    );
  });

  it("takes the pn532.js one-write wake-up + SAMConfiguration", async () => {
    const b = bench();
    const reply = await b.send(
      fromHex(`5555${"00".repeat(14)}FF05FBD41401140102 00`.replace(" ", ""), "wake"),
    );
    expect(reply).toBe("0000FF00FF000000FF02FED5151600");
  });

  it("answers the reference no-card reply with bounded retries, and blocks with FF until a card comes", async () => {
    const b = bench({ lowVbatAtStart: false });
    const poll = encodeCommandFrame(commands.inListPassiveTarget("A106"));
    // Default MxRtyPassiveActivation FF: only the ACK comes back while the field is empty.
    expect(await b.send(poll)).toBe("0000FF00FF00");
    b.emulator.field.place(card());
    await tick();
    await tick();
    // (the reply arrived after the send window; a fresh poll with bounded retries answers at once)
    await b.send(
      encodeCommandFrame(
        commands.rfConfiguration({ item: "maxRetries", atr: 0xff, psl: 1, passiveActivation: 2 }),
      ),
    );
    b.emulator.field.remove();
    expect(await b.send(poll)).toBe("0000FF00FF000000FF03FDD54B00E000");
  });

  it("an ACK from the host aborts a blocked poll", async () => {
    const b = bench({ lowVbatAtStart: false });
    await b.send(encodeCommandFrame(commands.inListPassiveTarget("A106")));
    expect(await b.send(Buffer.from(ACK_FRAME))).toBe("");
    b.emulator.field.place(card());
    for (let i = 0; i < 4; i++) await tick();
    expect(b.events).toEqual([]);
    expect(b.emulator.stats.abortsReceived).toBe(1);
  });

  it("lists a Type A card (TL prepended to a profile ATS that lacks it) and exchanges an APDU", async () => {
    const b = bench({ lowVbatAtStart: false });
    b.emulator.field.place(card());
    await b.send(encodeCommandFrame(commands.inListPassiveTarget("A106", 2)));
    expect(b.events).toEqual([
      { type: "ack" },
      {
        type: "frame",
        tfi: 0xd5,
        payload: fromHex("4B0101000420040102030405788070 02".replace(" ", ""), "p"),
        extended: false,
      },
    ]);
    await b.send(encodeCommandFrame(commands.inDataExchange(1, fromHex("00A4040000", "apdu"))));
    expect(b.events[1]).toEqual({
      type: "frame",
      tfi: 0xd5,
      payload: fromHex("41006F009000", "p"),
      extended: false,
    });
  });

  it("answers 01 when the activated card has left, 27 for a target never listed", async () => {
    const b = bench({ lowVbatAtStart: false });
    const c = card();
    b.emulator.field.place(c);
    await b.send(encodeCommandFrame(commands.inDataExchange(1, fromHex("00A4040000", "apdu"))));
    expect(b.events[1]).toMatchObject({ payload: fromHex("4127", "p") });
    await b.send(encodeCommandFrame(commands.inListPassiveTarget("A106")));
    b.emulator.field.remove(c);
    await b.send(encodeCommandFrame(commands.inDataExchange(1, fromHex("00A4040000", "apdu"))));
    expect(b.events[1]).toMatchObject({ payload: fromHex("4101", "p") });
    await b.send(encodeCommandFrame(commands.cardPresence()));
    expect(b.events[1]).toMatchObject({ payload: fromHex("0101", "p") });
  });

  it("resends its last response on NACK, with the corruption fault only on the first copy", async () => {
    const b = bench({
      lowVbatAtStart: false,
      faults: [{ kind: "corrupt-response", command: "GetFirmwareVersion" }],
    });
    await b.send(encodeCommandFrame(commands.getFirmwareVersion()));
    expect(b.events).toEqual([
      { type: "ack" },
      { type: "checksum-error", field: "DCS", expected: 0xe8, received: 0x17 },
    ]);
    expect(await b.send(Buffer.from(NACK_FRAME))).toBe("0000FF06FAD50332010607E800");
  });

  it("ACKs then sends the syntax-error frame for an unknown command or a fault", async () => {
    const b = bench({
      lowVbatAtStart: false,
      faults: [{ kind: "syntax-error", command: "GetFirmwareVersion" }],
    });
    expect(await b.send(encodeCommandFrame(Buffer.from([0x7e])))).toBe("0000FF00FF000000FF01FF7F8100");
    expect(await b.send(encodeCommandFrame(commands.getFirmwareVersion()))).toBe(
      "0000FF00FF000000FF01FF7F8100",
    );
    expect(b.emulator.stats.syntaxErrors).toBe(2);
  });

  it("drops a command without ACK on the no-ack fault and on a host frame with a bad checksum", async () => {
    const b = bench({ lowVbatAtStart: false, faults: [{ kind: "no-ack", command: "GetFirmwareVersion" }] });
    expect(await b.send(encodeCommandFrame(commands.getFirmwareVersion()))).toBe("");
    const bad = encodeCommandFrame(commands.getFirmwareVersion());
    bad[bad.length - 2]! ^= 1;
    expect(await b.send(bad)).toBe("");
    expect(await b.send(encodeCommandFrame(commands.getFirmwareVersion()))).toMatch(/^0000FF00FF00/);
  });

  it("sends a > 255-byte reply as an extended frame and chains above 262 bytes with MI", async () => {
    const b = bench({ lowVbatAtStart: false });
    const long = new ScriptedCard({
      name: "long",
      contactless: { uid: "01020304", atqa: "0004", sak: 0x20, ats: "0578807002" },
      responses: { "00B201": `${"AA".repeat(256)}9000`, "00B202": `${"BB".repeat(300)}9000` },
    });
    b.emulator.field.place(long);
    await b.send(encodeCommandFrame(commands.inListPassiveTarget("A106")));
    await b.send(encodeCommandFrame(commands.inDataExchange(1, fromHex("00B2010C00", "apdu"))));
    expect(b.events[1]).toMatchObject({ type: "frame", extended: true });
    await b.send(encodeCommandFrame(commands.inDataExchange(1, fromHex("00B2020C00", "apdu"))));
    const first = b.events[1] as Extract<Pn532Event, { type: "frame" }>;
    expect(first.payload[1]).toBe(0x40);
    expect(first.payload.length).toBe(2 + 262);
    await b.send(encodeCommandFrame(commands.inDataExchange(1, Buffer.alloc(0))));
    const rest = b.events[1] as Extract<Pn532Event, { type: "frame" }>;
    expect(rest.payload[1]).toBe(0x00);
    expect(rest.payload.length).toBe(2 + 302 - 262);
  });

  it("a slow card answers after its delay on the emulator clock", async () => {
    const b = bench({ lowVbatAtStart: false, faults: [{ kind: "slow-card", delayMs: 200 }] });
    b.emulator.field.place(card());
    await b.send(encodeCommandFrame(commands.inListPassiveTarget("A106")));
    expect(await b.send(encodeCommandFrame(commands.inDataExchange(1, fromHex("00A4040000", "apdu"))))).toBe(
      "0000FF00FF00",
    );
    b.clock.advance(200);
    for (let i = 0; i < 4; i++) await tick();
    expect(b.events).toEqual([
      { type: "ack" },
      { type: "frame", tfi: 0xd5, payload: fromHex("41006F009000", "p"), extended: false },
    ]);
  });

  it("power cycle returns to LowVbat and forgets the targets", async () => {
    const b = bench({ lowVbatAtStart: false });
    b.emulator.powerCycle();
    expect(b.emulator.inLowVbat).toBe(true);
    expect(await b.send(encodeCommandFrame(commands.getFirmwareVersion()))).toBe("");
  });

  it("drops bytes that arrive before the oscillator has started (wakeUpMs)", async () => {
    const b = bench({ wakeUpMs: 2 });
    expect(await b.send(Buffer.concat([WAKE, encodeCommandFrame(commands.samConfigurationNormal())]))).toBe(
      "",
    );
    b.clock.advance(2);
    expect(await b.send(encodeCommandFrame(commands.samConfigurationNormal()))).toBe(
      "0000FF00FF000000FF02FED5151600",
    );
  });
});
