import { describe, expect, it } from "vitest";
import { Rig } from "../../../tools/rig/rig.js";
import { parseRigAction } from "../../../tools/rig/rig-actions.js";

describe("rig tamper actions", () => {
  it("tamper erases the PIN pad's keys and latches; rekeyPinPad loads the test keys again", async () => {
    const rig = await Rig.start({ transport: "memory" });
    try {
      expect(rig.pinpad.keys.isEmpty).toBe(false);
      await rig.perform(parseRigAction({ action: "tamper" }, "request"));
      expect(rig.pinpad.tampered).toBe(true);
      expect(rig.pinpad.keys.isEmpty).toBe(true);
      expect(rig.pinpad.keys.hasPinKey("dukpt", 1)).toBe(false);
      await rig.handleRequest({ action: "rekeyPinPad" });
      expect(rig.pinpad.tampered).toBe(false);
      expect(rig.pinpad.keys.hasPinKey("dukpt", 1)).toBe(true);
    } finally {
      await rig.stop();
    }
  });

  it("the actions take no arguments", () => {
    expect(() => parseRigAction({ action: "tamper", card: "cup-debit" }, "request")).toThrow(/request/);
  });
});
