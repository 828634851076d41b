import { describe, expect, it } from "vitest";
import { DeviceDisconnectedError } from "../../../drivers/core/device-error.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";

describe("memory link pair", () => {
  it("carries bytes both ways, asynchronously and as copies", async () => {
    const { host, device } = createMemoryLinkPair();
    const got: Buffer[] = [];
    device.onData((chunk) => got.push(chunk));
    const data = Buffer.from([1, 2, 3]);
    await host.write(data);
    data[0] = 9;
    expect(got).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([Buffer.from([1, 2, 3])]);
  });

  it("closing one end disconnects the other, once, and refuses further writes", async () => {
    const { host, device } = createMemoryLinkPair("pinpad");
    const closes: (Error | undefined)[] = [];
    host.onClose((e) => closes.push(e));
    await device.close();
    await device.close();
    expect(closes).toHaveLength(1);
    expect(closes[0]).toBeInstanceOf(DeviceDisconnectedError);
    expect(host.isOpen).toBe(false);
    await expect(host.write(Buffer.from([0]))).rejects.toThrow(DeviceDisconnectedError);
  });
});
