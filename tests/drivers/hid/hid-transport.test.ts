import { describe, expect, it } from "vitest";
import { DeviceDisconnectedError, DeviceError } from "../../../drivers/core/device-error.js";
import { createMemoryHidPair, loadNodeHid, openNodeHidTransport } from "../../../drivers/hid/index.js";

describe("HidTransport", () => {
  it("memory pair: reports in, writes out, unplug seen as a disconnection", async () => {
    const { host, device } = createMemoryHidPair();
    const reports: string[] = [];
    host.onReport((r) => reports.push(r.toString("hex")));
    const written = new Promise<Buffer>((resolve) => device.onWrite(resolve));
    device.sendReport(Buffer.from([1, 2]));
    await host.write(Buffer.from([0, 9]));
    expect((await written).toString("hex")).toBe("0009");
    expect(reports).toEqual(["0102"]);
    const closed = new Promise<Error | undefined>((resolve) => host.onClose(resolve));
    device.unplug();
    expect(await closed).toBeInstanceOf(DeviceDisconnectedError);
    await expect(host.write(Buffer.from([0]))).rejects.toBeInstanceOf(DeviceDisconnectedError);
  });

  it("node-hid is loaded only when asked, and failures are DeviceErrors", async () => {
    // Importing drivers/hid did not load node-hid; loading it either works or says why (libusb missing).
    const loaded = await loadNodeHid().then(
      (hid) => typeof hid.HIDAsync.open,
      (error: unknown) => error,
    );
    if (typeof loaded === "string") {
      expect(loaded).toBe("function");
      await expect(openNodeHidTransport({ path: "/dev/does-not-exist" })).rejects.toBeInstanceOf(DeviceError);
    } else {
      expect(loaded).toBeInstanceOf(DeviceError);
    }
  });
});
