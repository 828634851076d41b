import { afterEach, describe, expect, it } from "vitest";
import { DeviceDisconnectedError } from "../../../drivers/core/device-error.js";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { EmulatedBinding } from "../../../tools/rig/emulated-binding.js";

const opened: ByteLink[] = [];
afterEach(async () => {
  for (const link of opened.splice(0)) await link.close();
});

/** An echo device that answers every chunk with the bytes reversed. */
function reversingDevice(ends: ByteLink[]): () => ByteLink {
  return () => {
    const { host, device } = createMemoryLinkPair("echo");
    device.onData((chunk) => void device.write(Buffer.from(chunk).reverse()));
    ends.push(device);
    return host;
  };
}

describe("EmulatedBinding through the real SerialPortStream", () => {
  it("carries bytes between the driver's serial link and the emulator", async () => {
    const binding = new EmulatedBinding();
    const devices: ByteLink[] = [];
    binding.attach("/rig/echo", reversingDevice(devices));
    const link = await openSerialLink({ path: "/rig/echo", baudRate: 115200, binding });
    opened.push(link);
    const reply = new Promise<Buffer>((resolve) => link.onData(resolve));
    await link.write(Buffer.from([1, 2, 3, 0xff]));
    expect([...(await reply)]).toEqual([0xff, 3, 2, 1]);
  });

  it("reports a disconnection when the emulator goes away", async () => {
    const binding = new EmulatedBinding();
    const devices: ByteLink[] = [];
    binding.attach("/rig/echo", reversingDevice(devices));
    const link = await openSerialLink({ path: "/rig/echo", baudRate: 9600, binding });
    opened.push(link);
    const closed = new Promise<Error | undefined>((resolve) => link.onClose(resolve));
    await devices[0]!.close();
    expect(await closed).toBeInstanceOf(DeviceDisconnectedError);
  });

  it("refuses a path with no emulator, naming it", async () => {
    await expect(
      openSerialLink({ path: "/rig/none", baudRate: 9600, binding: new EmulatedBinding() }),
    ).rejects.toThrow("/rig/none: cannot open");
  });
});
