import { afterEach, describe, expect, it } from "vitest";
import { DeviceDisconnectedError } from "../../../drivers/core/device-error.js";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { Pn532Reader } from "../../../drivers/nfc/pn532-reader.js";
import { EmulatedBinding } from "../../../tools/rig/emulated-binding.js";
import { Pn532Emulator, RfField } from "../../../tools/rig/emulators/pn532/index.js";
import { PPSE_FCI, quickPassCard, SELECT_PPSE } from "./pn532-rig.js";

const readers: Pn532Reader[] = [];
afterEach(async () => {
  for (const reader of readers.splice(0)) await reader.close();
});

describe("Pn532Reader through the real SerialPortStream (EmulatedBinding)", () => {
  it("opens by path, polls, exchanges an APDU, survives the port going away and coming back", async () => {
    const binding = new EmulatedBinding();
    const field = new RfField();
    const deviceEnds: ByteLink[] = [];
    binding.attach("/rig/nfc", () => {
      const { host, device } = createMemoryLinkPair("pn532");
      deviceEnds.push(device);
      new Pn532Emulator(device, { field });
      return host;
    });
    field.place(quickPassCard());
    // Real clock: a generous ACK wait, as the stream adds event-loop hops a UART does not have.
    const reader = new Pn532Reader({
      open: () => openSerialLink({ path: "/rig/nfc", baudRate: 115200, binding }),
      ackTimeoutMs: 500,
    });
    readers.push(reader);
    expect(await reader.open()).toEqual({ model: "PN532 v1.6", supportsTypeB: true });
    expect((await reader.poll({ timeoutMs: 1000 })).type).toBe("A");
    const response = await reader.transmit(SELECT_PPSE);
    expect(response.sw).toBe(0x9000);
    expect(response.data.toString("hex").toUpperCase()).toBe(PPSE_FCI);

    const lost = new Promise<Error>((resolve) => reader.onDisconnect(resolve));
    await deviceEnds[0]!.close();
    expect(await lost).toBeInstanceOf(DeviceDisconnectedError);
    // The next command reopens the same path, wakes the new PN532 and works.
    expect((await reader.poll({ timeoutMs: 1000 })).type).toBe("A");
    expect(deviceEnds).toHaveLength(2);
    expect((await reader.transmit(SELECT_PPSE)).sw).toBe(0x9000);
  });
});
