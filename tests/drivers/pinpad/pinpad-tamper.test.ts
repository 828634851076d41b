import { describe, expect, it } from "vitest";
import { PinPadKeyMissingError } from "../../../drivers/pinpad/index.js";
import { isTamperEvent, tamperEvent } from "../../../protocol/pinpad/commands/tamper.js";
import { decodeResponse, encodeResponse } from "../../../protocol/pinpad/message.js";
import { PIK_KCV, PIK_UNDER_TMK, readyRig, settle, TMK } from "./rig.js";

const PAN = "6225880112345678";

describe("PIN pad tamper: the pad's unsolicited TMP report", () => {
  it("encodes as an ABECS response frame the codec reads back", () => {
    const frame = encodeResponse(tamperEvent());
    expect(frame.toString("latin1")).toBe("TMP000");
    expect(isTamperEvent(decodeResponse(frame))).toBe(true);
    expect(isTamperEvent({ id: "OPN", status: 0, blocks: [] })).toBe(false);
  });

  it("an idle pad's tamper reaches the driver's listener at once; the pad's keys are gone", async () => {
    const { pad, emulator, trace } = await readyRig();
    let reports = 0;
    const off = pad.onTamper(() => reports++);
    emulator.tamper();
    await settle();
    expect(reports).toBe(1);
    expect(emulator.tampered).toBe(true);
    expect(emulator.keys.isEmpty).toBe(true);
    expect(trace).toContainEqual({ direction: "in", kind: "tamper" });
    // The report is out of band: the next command still gets its own answer (042: no key any more).
    await expect(
      pad.loadWorkingKey({ slot: 0, usage: "pin", ciphertext: PIK_UNDER_TMK, kcv: PIK_KCV }),
    ).rejects.toBeInstanceOf(PinPadKeyMissingError);
    await expect(pad.getPin({ pan: PAN })).rejects.toBeInstanceOf(PinPadKeyMissingError);
    off();
    emulator.tamper();
    await settle();
    expect(reports).toBe(1);
  });

  it("the latch repeats the report on each OPN until the pad is re-keyed", async () => {
    const { pad, emulator } = await readyRig();
    await pad.close();
    emulator.tamper(); // link closed: this first report is lost
    let reports = 0;
    pad.onTamper(() => reports++);
    await pad.open();
    await settle();
    expect(reports).toBe(1);
    emulator.rekey({ 0: TMK });
    expect(emulator.tampered).toBe(false);
    await pad.close();
    await pad.open();
    await settle();
    expect(reports).toBe(1);
    // Re-keyed: the PIK loads again under the injected master key.
    await pad.loadWorkingKey({ slot: 0, usage: "pin", ciphertext: PIK_UNDER_TMK, kcv: PIK_KCV });
  });

  it("a tamper during PIN entry drops the prompt and the report still arrives", async () => {
    const { pad, emulator } = await readyRig();
    let reports = 0;
    pad.onTamper(() => reports++);
    const controller = new AbortController();
    const pin = pad.getPin({ pan: PAN, signal: controller.signal }).catch((error: Error) => error);
    await settle();
    expect(emulator.promptingForPin).toBe(true);
    emulator.tamper();
    await settle();
    expect(reports).toBe(1);
    expect(emulator.promptingForPin).toBe(false);
    controller.abort();
    expect(await pin).toBeInstanceOf(Error);
  });
});
