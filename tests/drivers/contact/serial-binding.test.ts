import { describe, expect, it } from "vitest";
import { CcidContactReader } from "../../../drivers/contact/index.js";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { SerialMagStripeReader, type Swipe } from "../../../drivers/magstripe/index.js";
import { EmulatedBinding } from "../../../tools/rig/emulated-binding.js";
import { ContactReaderEmulator } from "../../../tools/rig/emulators/contact-reader/index.js";
import { SerialMsrEmulator } from "../../../tools/rig/emulators/magstripe/index.js";
import { paymentCard } from "./rig.js";

describe("through EmulatedBinding + openSerialLink (the real SerialPortStream path)", () => {
  it("contact reader: open, power on, SELECT, removal event, reopen after port loss", async () => {
    const binding = new EmulatedBinding();
    const emulators: ContactReaderEmulator[] = [];
    const devices: ByteLink[] = [];
    binding.attach("/rig/ccid", () => {
      const { host, device } = createMemoryLinkPair("ccid");
      devices.push(device);
      const emulator = new ContactReaderEmulator(device);
      emulator.insert(paymentCard());
      emulators.push(emulator);
      return host;
    });
    const reader = new CcidContactReader({
      opener: () => openSerialLink({ path: "/rig/ccid", baudRate: 115200, binding }),
    });
    try {
      await reader.open();
      expect((await reader.powerOn()).protocol).toBe("T=0");
      const r = await reader.transmit(Buffer.from("00A404000E315041592E5359532E444446303100", "hex"));
      expect(r.sw).toBe(0x9000);
      const removed = new Promise((resolve) => reader.onCardEvent(resolve));
      emulators[0]!.remove();
      expect(await removed).toEqual({ type: "removed" });
      // The port vanishes: the next command reopens it (a fresh emulator with a card) after power on.
      await devices[0]!.close();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await reader.powerOn();
      expect(emulators.length).toBe(2);
      expect((await reader.transmit(Buffer.from("0084000008", "hex"))).data.length).toBe(8);
    } finally {
      await reader.close();
    }
  });

  it("serial magstripe reader: a swipe arrives", async () => {
    const binding = new EmulatedBinding();
    const emulators: SerialMsrEmulator[] = [];
    binding.attach("/rig/msr", () => {
      const { host, device } = createMemoryLinkPair("msr");
      emulators.push(new SerialMsrEmulator(device));
      return host;
    });
    const reader = new SerialMagStripeReader({
      opener: () => openSerialLink({ path: "/rig/msr", baudRate: 9600, binding }),
    });
    try {
      await reader.open();
      const swipe = new Promise<Swipe>((resolve) => reader.onSwipe(resolve));
      await emulators[0]!.swipe({
        name: "c",
        tracks: { track2: "6212345678901234=25122011234567890" },
        transmit: () => Buffer.from([0x6d, 0]),
      });
      const s = await swipe;
      expect(s.tracks.t2.status).toBe("ok");
      expect(s.chipCard).toBe(true);
    } finally {
      await reader.close();
    }
  });
});
