import { afterEach, describe, expect, it } from "vitest";
import {
  BadAtrError,
  CardNotPoweredError,
  CardRemovedError,
  MuteCardError,
  NoCardError,
} from "../../../drivers/contact/contact-reader.js";
import {
  DeviceCancelledError,
  DeviceProtocolError,
  DeviceTimeoutError,
} from "../../../drivers/core/device-error.js";
import { toHex } from "../../../protocol/hex.js";
import {
  CardMuteError as VirtualCardMute,
  CardRemovedError as VirtualCardRemoved,
} from "../../../tools/rig/virtual-card.js";
import { type ContactRig, contactRig, paymentCard, settle, T1_ATR_SMALL_IFSC } from "./rig.js";

const SELECT_PSE = Buffer.from("00A404000E315041592E5359532E444446303100", "hex");
let rig: ContactRig | undefined;
afterEach(async () => {
  await rig?.reader.close();
  rig = undefined;
});

async function started(options: Parameters<typeof contactRig>[0] = {}): Promise<ContactRig> {
  rig = contactRig(options);
  await rig.reader.open();
  return rig;
}

describe("CcidContactReader ↔ emulator: T=0 (TPDU level)", () => {
  it("opens, sees the card, powers it on and parses the ATR", async () => {
    const { reader } = await started();
    expect(reader.cardPresent).toBe(true);
    const { atr, protocol } = await reader.powerOn();
    expect(protocol).toBe("T=0");
    expect(toHex(atr.raw)).toBe("3B600000");
  });

  it("case 4: 61xx → GET RESPONSE, data and 9000", async () => {
    const { reader } = await started();
    await reader.powerOn();
    const r = await reader.transmit(SELECT_PSE);
    expect(r.sw).toBe(0x9000);
    expect(toHex(r.data)).toMatch(/^6F1A840E/);
  });

  it("61xx chains: a card that hands out 8 bytes per GET RESPONSE", async () => {
    const { reader, emulator } = await started({ emulator: { getResponseChunk: 8 } });
    await reader.powerOn();
    const r = await reader.transmit(SELECT_PSE);
    expect(r.data.length).toBe(0x1c);
    expect(r.sw).toBe(0x9000);
    expect(emulator().received.filter((t) => t === 0x6f).length).toBe(1 + Math.ceil(0x1c / 8));
  });

  it("case 2 with Le = 00: 6Cxx → resend with Le = xx", async () => {
    const { reader } = await started();
    await reader.powerOn();
    const r = await reader.transmit({ cla: 0x80, ins: 0xca, p1: 0x9f, p2: 0x17, le: 256 });
    expect(r.sw).toBe(0x9000);
    expect(r.data.toString("hex")).toBe("ab".repeat(80));
  });

  it("case 2 with the right Le, case 3 with a warning", async () => {
    const { reader } = await started();
    await reader.powerOn();
    expect(toHex((await reader.transmit(Buffer.from("0084000008", "hex"))).data)).toBe("0102030405060708");
    const verify = await reader.transmit(Buffer.from("002000800824123456FFFFFFFF", "hex").subarray(0, 13));
    expect(verify.sw).toBe(0x63c2);
  });

  it("case 4 answered with a warning and no data: GET RESPONSE, first SW reported", async () => {
    const { reader } = await started();
    await reader.powerOn();
    const r = await reader.transmit(Buffer.from("00B2010C010100", "hex"));
    expect(r.sw).toBe(0x6282);
    expect(toHex(r.data)).toBe("700A5A086212345678901234");
  });
});

describe("CcidContactReader: T=1 (TPDU level, blocks built by the host)", () => {
  it("chains a long command and a long answer with IFSC 16, answers WTX", async () => {
    const { reader, emulator } = await started({ card: paymentCard(T1_ATR_SMALL_IFSC) });
    const { protocol, atr } = await reader.powerOn();
    expect(protocol).toBe("T=1");
    expect(atr.t1.ifsc).toBe(16);
    const update = Buffer.concat([Buffer.from("00D6000040", "hex"), Buffer.alloc(0x40, 0x11)]);
    expect((await reader.transmit(update)).sw).toBe(0x9000);
    emulator().inject({ on: "xfr", fault: { kind: "wtx", multiplier: 2 } });
    const r = await reader.transmit(Buffer.from("80CA9F1700", "hex"));
    expect(r.data.length).toBe(80);
    expect(r.sw).toBe(0x9000);
  });
});

describe("CcidContactReader: faults", () => {
  it("mute card on power on → MuteCardError", async () => {
    const { reader } = await started({
      emulator: { faults: [{ on: "power-on", fault: { kind: "mute-card" } }] },
    });
    await expect(reader.powerOn()).rejects.toBeInstanceOf(MuteCardError);
  });

  it("bad ATR reported by the reader (F7, F8) → BadAtrError", async () => {
    const { reader } = await started({
      emulator: {
        faults: [
          { on: "power-on", fault: { kind: "bad-atr", error: 0xf7 } },
          { on: "power-on", fault: { kind: "bad-atr", error: 0xf8 } },
        ],
      },
    });
    await expect(reader.powerOn()).rejects.toThrow(/bad ATR TCK/);
    await expect(reader.powerOn()).rejects.toBeInstanceOf(BadAtrError);
    expect((await reader.powerOn()).protocol).toBe("T=0");
  });

  it("an ATR that does not parse (bad TCK) → BadAtrError naming TCK", async () => {
    const { reader } = await started({
      emulator: {
        faults: [
          {
            on: "power-on",
            fault: { kind: "atr", bytes: [0x3b, 0xe0, 0, 0xff, 0x81, 0x31, 0x7c, 0x41, 0x93] },
          },
        ],
      },
    });
    await expect(reader.powerOn()).rejects.toThrow(/TCK/);
  });

  it("no card → NoCardError; insert and remove arrive as events and through the iterator", async () => {
    const { reader, emulator, card } = await started({ inserted: false });
    expect(reader.cardPresent).toBe(false);
    await expect(reader.powerOn()).rejects.toBeInstanceOf(NoCardError);
    const seen: string[] = [];
    reader.onCardEvent((e) => seen.push(e.type));
    const controller = new AbortController();
    const iterated: string[] = [];
    const loop = (async () => {
      for await (const e of reader.cardEvents(controller.signal)) iterated.push(e.type);
    })();
    emulator().insert(card);
    await settle();
    expect(reader.cardPresent).toBe(true);
    emulator().remove();
    await settle();
    controller.abort();
    await loop;
    expect(seen).toEqual(["inserted", "removed"]);
    expect(iterated).toEqual(["inserted", "removed"]);
  });

  it("card removed mid-APDU → CardRemovedError, then the card is no longer powered", async () => {
    const { reader, emulator } = await started();
    await reader.powerOn();
    emulator().inject({ on: "xfr", fault: { kind: "remove-card" } });
    await expect(reader.transmit(SELECT_PSE)).rejects.toBeInstanceOf(CardRemovedError);
    expect(reader.cardPresent).toBe(false);
    await expect(reader.transmit(SELECT_PSE)).rejects.toBeInstanceOf(CardNotPoweredError);
  });

  it("a virtual card that leaves mid-exchange (CardRemovedError) empties the slot on the terminal side", async () => {
    const card = paymentCard();
    const leaving = Object.assign(Object.create(card), {
      transmit: () => {
        throw new VirtualCardRemoved(card.name);
      },
    });
    const { reader } = await started({ card: leaving });
    await reader.powerOn();
    await expect(reader.transmit(SELECT_PSE)).rejects.toBeInstanceOf(CardRemovedError);
    expect(reader.cardPresent).toBe(false);
  });

  it("a virtual card that goes mute after its ATR (CardMuteError) is reported as a mute card", async () => {
    const card = paymentCard();
    const mute = Object.assign(Object.create(card), {
      transmit: () => {
        throw new VirtualCardMute(card.name);
      },
    });
    const { reader } = await started({ card: mute });
    await reader.powerOn();
    await expect(reader.transmit(SELECT_PSE)).rejects.toBeInstanceOf(MuteCardError);
    expect(reader.cardPresent).toBe(true);
  });

  it("reader NAK (03 15 16) → the command is replayed; NAK storm → DeviceProtocolError", async () => {
    const { reader, emulator } = await started();
    emulator().inject({ on: "power-on", fault: { kind: "nak", times: 2 } });
    expect((await reader.powerOn()).protocol).toBe("T=0");
    emulator().inject({ on: "xfr", fault: { kind: "nak", times: 4 } });
    await expect(reader.transmit(SELECT_PSE)).rejects.toBeInstanceOf(DeviceProtocolError);
  });

  it("time extension (time-request bytes) keeps the command alive past its timeout", async () => {
    const r = await started({
      reader: { timeouts: { xfrMs: 1000 } },
      emulator: {
        faults: [{ on: "xfr", fault: { kind: "time-extension", style: "byte", count: 3, intervalMs: 800 } }],
      },
    });
    await r.reader.powerOn();
    const pending = r.reader.transmit(Buffer.from("0084000008", "hex"));
    for (let i = 0; i < 4; i++) {
      await settle();
      r.clock.advance(800);
    }
    await settle();
    expect((await pending).sw).toBe(0x9000);
  });

  it("time extension (bStatus 0x80, bError multiplier) multiplies the wait", async () => {
    const r = await started({
      reader: { timeouts: { xfrMs: 1000 } },
      emulator: {
        faults: [
          {
            on: "xfr",
            fault: { kind: "time-extension", style: "status", count: 1, multiplier: 3, intervalMs: 900 },
          },
        ],
      },
    });
    await r.reader.powerOn();
    const pending = r.reader.transmit(Buffer.from("0084000008", "hex"));
    await settle();
    r.clock.advance(900);
    await settle();
    r.clock.advance(900); // past 1000 ms but inside 3 × 1000
    await settle();
    expect((await pending).sw).toBe(0x9000);
  });

  it("silence → DeviceTimeoutError on the injected clock; the next command works", async () => {
    const r = await started({ reader: { timeouts: { xfrMs: 500 } } });
    await r.reader.powerOn();
    r.emulator().inject({ on: "xfr", fault: { kind: "silence" } });
    const pending = r.reader.transmit(SELECT_PSE);
    await settle();
    r.clock.advance(500);
    await expect(pending).rejects.toBeInstanceOf(DeviceTimeoutError);
    expect((await r.reader.transmit(SELECT_PSE)).sw).toBe(0x9000);
  });

  it("cancellation sends PC_to_RDR_Abort and rejects with DeviceCancelledError", async () => {
    const r = await started();
    await r.reader.powerOn();
    r.emulator().inject({ on: "xfr", fault: { kind: "silence" } });
    const controller = new AbortController();
    const pending = r.reader.transmit(SELECT_PSE, { signal: controller.signal });
    await settle();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(DeviceCancelledError);
    await settle();
    expect(r.emulator().received).toContain(0x72);
  });

  it("port loss: the pending command fails, the next one reopens; the card must be powered again", async () => {
    const r = await started();
    await r.reader.powerOn();
    await r.hosts[0]!.close();
    await settle();
    await expect(r.reader.transmit(SELECT_PSE)).rejects.toBeInstanceOf(CardNotPoweredError);
    expect(r.emulators.length).toBe(2);
    await r.reader.powerOn();
    expect((await r.reader.transmit(SELECT_PSE)).sw).toBe(0x9000);
  });

  it("power off leaves the card present and unpowered", async () => {
    const { reader, emulator } = await started();
    await reader.powerOn();
    await reader.powerOff();
    expect(emulator().cardPowered).toBe(false);
    expect(reader.cardPresent).toBe(true);
  });
});
