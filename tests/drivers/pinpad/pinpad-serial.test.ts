import { describe, expect, it } from "vitest";
import { DeviceDisconnectedError } from "../../../drivers/core/device-error.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { AbecsPinPad } from "../../../drivers/pinpad/index.js";
import { decryptPinBlock } from "../../../protocol/crypto/pinblock/index.js";
import { EmulatedBinding } from "../../../tools/rig/emulated-binding.js";
import { PinPadEmulator } from "../../../tools/rig/emulators/pinpad/index.js";
import { PIK, PIK_KCV, PIK_UNDER_TMK, TMK } from "./rig.js";

describe("AbecsPinPad through EmulatedBinding + openSerialLink (real SerialPortStream)", () => {
  it("gets a PIN, survives the port vanishing, and reopens by path", async () => {
    const binding = new EmulatedBinding();
    const emulator = new PinPadEmulator({ masterKeys: { 0: TMK }, autoPin: () => "7391" });
    binding.attach("/rig/pinpad", () => {
      const { host, device } = createMemoryLinkPair("pinpad");
      emulator.attach(device);
      return host;
    });
    const pad = new AbecsPinPad({
      opener: () => openSerialLink({ path: "/rig/pinpad", baudRate: 115200, binding }),
    });
    try {
      await pad.open();
      await pad.loadWorkingKey({ slot: 0, usage: "pin", ciphertext: PIK_UNDER_TMK, kcv: PIK_KCV });
      const pan = "6212345678901234";
      const first = await pad.getPin({ pan });
      expect(decryptPinBlock(PIK, first.block, { format: 0, pan }).toString()).toBe("7391");

      // The pad loses power mid-PIN: the serial port reports the disconnection.
      emulator.faults.add({ command: "GPN", fault: { kind: "power-cycle" } });
      await expect(pad.getPin({ pan })).rejects.toBeInstanceOf(DeviceDisconnectedError);

      const again = await pad.getPin({ pan });
      expect(decryptPinBlock(PIK, again.block, { format: 0, pan }).toString()).toBe("7391");
      expect(emulator.received.slice(-2)).toEqual(["OPN", "GPN"]);
    } finally {
      await pad.close();
    }
  });
});
