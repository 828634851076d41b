import { describe, expect, it } from "vitest";
import { createMemoryLinkPair } from "../../../../../drivers/link/memory-link.js";
import {
  CcidSerialDecoder,
  type CcidSerialEvent,
  decodeCcidMessage,
  encodeCcidSerialFrame,
  getSlotStatus,
  iccPowerOn,
  NAK_FRAME,
} from "../../../../../protocol/ccid/index.js";
import { ContactReaderEmulator } from "../../../../../tools/rig/emulators/contact-reader/index.js";
import { ScriptedCard } from "../../../../../tools/rig/virtual-card.js";

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

function harness() {
  const { host, device } = createMemoryLinkPair("emu");
  const emulator = new ContactReaderEmulator(device);
  const decoder = new CcidSerialDecoder({ direction: "from-reader" });
  const events: CcidSerialEvent[] = [];
  host.onData((chunk) => events.push(...decoder.push(chunk)));
  return { host, emulator, events };
}

describe("ContactReaderEmulator (device side of CCID-serial)", () => {
  it("answers GetSlotStatus with the slot state and notices card movements", async () => {
    const { host, emulator, events } = harness();
    await host.write(encodeCcidSerialFrame(getSlotStatus(0, 1)));
    await settle();
    emulator.insert(new ScriptedCard({ name: "c", atr: "3B600000", responses: {} }));
    await settle();
    const first = events[0];
    expect(first?.type === "message" && decodeCcidMessage(first.message).specific[0]).toBe(0x02);
    expect(events[1]).toMatchObject({ type: "slot-change", present: true });
  });

  it("NAKs a corrupt command, resends its last reply on the host's NAK", async () => {
    const { host, emulator, events } = harness();
    emulator.insert(new ScriptedCard({ name: "c", atr: "3B600000", responses: {} }));
    const frame = encodeCcidSerialFrame(iccPowerOn(0, 4));
    frame[frame.length - 1]! ^= 1;
    await host.write(frame);
    await settle();
    expect(events.at(-1)).toEqual({ type: "nak" });
    await host.write(encodeCcidSerialFrame(iccPowerOn(0, 5)));
    await host.write(NAK_FRAME);
    await settle();
    const replies = events.filter((e) => e.type === "message");
    expect(replies.length).toBe(2);
    expect(replies[0]).toEqual(replies[1]);
  });
});
