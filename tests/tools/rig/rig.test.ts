import { afterEach, describe, expect, it } from "vitest";
import { CcidContactReader } from "../../../drivers/contact/index.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { SerialMagStripeReader, type Swipe } from "../../../drivers/magstripe/index.js";
import { SimMissingError } from "../../../drivers/modem/modem-errors.js";
import { QuectelModem } from "../../../drivers/modem/quectel-modem.js";
import { Pn532Reader } from "../../../drivers/nfc/index.js";
import { AbecsPinPad } from "../../../drivers/pinpad/index.js";
import { EscPosPrinter } from "../../../drivers/printer/index.js";
import { tdesEcbEncrypt } from "../../../protocol/crypto/cipher.js";
import { kcvTdes } from "../../../protocol/crypto/kcv.js";
import { decryptPinBlock } from "../../../protocol/crypto/pinblock/index.js";
import { DEFAULT_TMK_HEX } from "../../../tools/host-sim/default-cards.js";
import { sampleSaleSlip } from "../../../tools/rig/emulators/printer/index.js";
import { RIG_DEVICES, Rig, type RigDevice } from "../../../tools/rig/rig.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRig(): Promise<Rig> {
  const rig = await Rig.start();
  cleanups.push(() => rig.stop());
  return rig;
}

function opener(rig: Rig, device: RigDevice) {
  const { path, baudRate } = rig.deviceConfig().devices[device];
  return () => openSerialLink({ path, baudRate, binding: rig.binding });
}

const SELECT_PSE = Buffer.from("00A404000E315041592E5359532E444446303100", "hex");
const SELECT_PPSE = Buffer.from("00A404000E325041592E5359532E444446303100", "hex");
const SELECT_CUP_DEBIT = Buffer.from("00A4040008A00000033301010100", "hex");

describe("the in-process rig (EmulatedBinding) with the real drivers", () => {
  it("names every device at /rig/<device> with its baud rate", async () => {
    const rig = await startRig();
    expect(rig.paths()).toEqual(Object.fromEntries(RIG_DEVICES.map((d) => [d, `/rig/${d}`])));
    expect(rig.deviceConfig().devices.magstripe).toEqual({ path: "/rig/magstripe", baudRate: 9600 });
    expect(rig.cardNames()).toContain("cup-debit");
  });

  it("an inserted chip card answers SELECT through the contact driver; removal reaches it", async () => {
    const rig = await startRig();
    rig.insert("cup-debit");
    const reader = new CcidContactReader({ opener: opener(rig, "contact") });
    cleanups.push(() => reader.close());
    await reader.open();
    expect((await reader.powerOn()).protocol).toBe("T=0");
    const pse = await reader.transmit(SELECT_PSE);
    expect(pse.sw).toBe(0x9000);
    expect(pse.data.toString("latin1")).toContain("1PAY.SYS.DDF01");
    const app = await reader.transmit(SELECT_CUP_DEBIT);
    expect(app.sw).toBe(0x9000);
    expect(app.data.toString("latin1")).toContain("UnionPay Debit");
    expect(rig.status().contact).toEqual({ inserted: "cup-debit", powered: true });

    const removed = new Promise((resolve) => reader.onCardEvent(resolve));
    rig.remove();
    expect(await removed).toEqual({ type: "removed" });
    expect(rig.status().contact.inserted).toBeNull();
  });

  it("a T=1 chip card (mc-credit) works through the same reader", async () => {
    const rig = await startRig();
    rig.insert("mc-credit");
    const reader = new CcidContactReader({ opener: opener(rig, "contact") });
    cleanups.push(() => reader.close());
    await reader.open();
    expect((await reader.powerOn()).protocol).toBe("T=1");
    expect((await reader.transmit(Buffer.from("00A4040007A000000004101000", "hex"))).sw).toBe(0x9000);
  });

  it("a tap is seen by the NFC driver, which selects PPSE on the card", async () => {
    const rig = await startRig();
    const reader = new Pn532Reader({ open: opener(rig, "nfc"), ackTimeoutMs: 500 });
    cleanups.push(() => reader.close());
    await reader.open();
    expect((await reader.poll({ timeoutMs: 100 })).type).toBe("none");
    rig.tap("cup-debit");
    const found = await reader.poll({ timeoutMs: 1000 });
    expect(found).toMatchObject({ type: "A", uid: Buffer.from("08000033", "hex"), sak: 0x20 });
    const ppse = await reader.transmit(SELECT_PPSE);
    expect(ppse.sw).toBe(0x9000);
    expect(ppse.data.toString("latin1")).toContain("2PAY.SYS.DDF01");
    expect(rig.status().nfc.inField).toEqual(["cup-debit"]);
    rig.remove();
    expect(await reader.presence()).toBe(false);
  });

  it("a tap for a number of RF operations leaves by itself; a magstripe-only card cannot be tapped", async () => {
    const rig = await startRig();
    rig.tap("mc-credit", { operations: 2 });
    expect(rig.field.cards.map((c) => c.name)).toEqual(["mc-credit"]);
    rig.field.touch(rig.field.cards[0]!);
    rig.field.touch(rig.field.cards[0]!);
    expect(rig.field.cards).toEqual([]);
    expect(() => rig.tap("cup-magstripe")).toThrow('card "cup-magstripe" has no contactless interface');
    expect(() => rig.tap("nope")).toThrow(/no card "nope" \(the rig has cup-magstripe, /);
  });

  it("a swipe arrives through the serial magstripe driver, with chip and service code", async () => {
    const rig = await startRig();
    const reader = new SerialMagStripeReader({ opener: opener(rig, "magstripe") });
    cleanups.push(() => reader.close());
    await reader.open();
    const swipes: Swipe[] = [];
    reader.onSwipe((swipe) => swipes.push(swipe));
    await rig.swipe("cup-magstripe");
    await rig.swipe("cup-debit", { tracks: [2] });
    await rig.swipe("cup-expired", { fault: { track: 2, kind: "parity" } });
    await expect.poll(() => swipes.length).toBe(3);
    expect(swipes[0]).toMatchObject({
      panMasked: "622202*********0014",
      serviceCode: "101",
      chipCard: false,
    });
    expect(swipes[0]!.tracks.t1.status).toBe("ok");
    expect(swipes[1]).toMatchObject({ serviceCode: "220", chipCard: true, expiry: "3012" });
    expect(swipes[1]!.tracks.t1.status).toBe("absent");
    expect(swipes[2]!.tracks.t2.status).toBe("parity-error");
    await expect(rig.swipe("nope")).rejects.toThrow('no card "nope"');
  });

  it("a PIN typed on the rig comes back from the pinpad driver enciphered under the loaded PIN key", async () => {
    const rig = await startRig();
    const pad = new AbecsPinPad({ opener: opener(rig, "pinpad") });
    cleanups.push(() => pad.close());
    const tmk = Buffer.from(DEFAULT_TMK_HEX, "hex");
    const pik = Buffer.from("1234567812345678ABCDEF0123456789", "hex");
    await pad.open();
    await pad.loadWorkingKey({
      slot: 0,
      usage: "pin",
      ciphertext: tdesEcbEncrypt(tmk, pik),
      kcv: kcvTdes(pik),
    });
    const pan = "6217000000000000033";
    const pending = pad.getPin({ pan });
    await expect.poll(() => rig.status().pinpad.promptingForPin).toBe(true);
    rig.enterPin("123456");
    const block = await pending;
    expect(decryptPinBlock(pik, block.block, { format: 0, pan }).toString()).toBe("123456");

    rig.cancelPin();
    await expect(pad.getPin({ pan })).rejects.toThrow(/cancel/i);
    expect(() => rig.enterPin("12a4")).toThrow("a PIN is 1..16 digits");
  });

  it("a slip printed through the printer driver reads back as text; paper out holds the next one", async () => {
    const rig = await startRig();
    const printer = await EscPosPrinter.open({ link: opener(rig, "printer"), spoolDir: tempDir() });
    cleanups.push(() => printer.close());
    const first = await printer.print({ document: sampleSaleSlip(), label: "sale" });
    expect(first.reprinted).toBe(false);
    expect(rig.printer.text()).toContain("MERCHANT COPY");
    expect(rig.status().printer).toMatchObject({ online: true, paper: "ok", slipsPrinted: 1 });

    rig.paperOut();
    expect(rig.status().printer).toMatchObject({ online: false, paper: "out" });
    const blocked = new Promise((resolve) => printer.onEvent((e) => e.kind === "blocked" && resolve(e)));
    const second = printer.print({ document: sampleSaleSlip(32, "cardholder"), label: "copy" });
    await blocked;
    rig.paperIn();
    await second;
    expect(rig.printer.text()).toContain("CARDHOLDER COPY");
    expect(rig.status().printer.slipsPrinted).toBe(2);
  });

  it("the modem answers the AT checks; a pulled SIM is reported by the driver", async () => {
    const rig = await startRig();
    const modem = await QuectelModem.open({ opener: opener(rig, "modem") });
    cleanups.push(() => modem.close());
    await modem.checkSim();
    expect((await modem.signalQuality()).rssiDbm).toBeLessThan(0);
    rig.simMissing();
    await expect(modem.checkSim()).rejects.toBeInstanceOf(SimMissingError);
    expect(rig.status().modem.simPresent).toBe(false);
    rig.simInserted();
    await modem.checkSim();
  });

  it("a script inserts and removes a card in order, with `at` times", async () => {
    const rig = await startRig();
    const reader = new CcidContactReader({ opener: opener(rig, "contact") });
    cleanups.push(() => reader.close());
    await reader.open();
    const events: string[] = [];
    reader.onCardEvent((e) => events.push(e.type));
    await rig.runScript([
      { action: "insert", args: { card: "cup-debit" } },
      { at: 30, action: "remove" },
      { at: 40, action: "tap", args: { card: "mc-credit" } },
      { action: "paperOut" },
    ]);
    await expect.poll(() => events).toEqual(["inserted", "removed"]);
    expect(rig.status().nfc.inField).toEqual(["mc-credit"]);
    expect(rig.status().printer.paper).toBe("out");
    await expect(rig.runScript([{ action: "swipe", args: { card: "nope" } }])).rejects.toThrow(
      'script step 0 (swipe): no card "nope"',
    );
  });

  it("a script is aborted by its signal", async () => {
    const rig = await startRig();
    const controller = new AbortController();
    const run = rig.runScript([{ action: "paperOut" }, { at: 5_000, action: "paperIn" }], {
      signal: controller.signal,
    });
    await expect.poll(() => rig.status().printer.paper).toBe("out");
    controller.abort();
    await expect(run).rejects.toThrow("script step 1 (paperIn): script aborted");
    expect(rig.status().printer.paper).toBe("out");
  });

  it("stop() is idempotent and closes the ports the drivers hold", async () => {
    const rig = await Rig.start();
    const link = await opener(rig, "printer")();
    const closed = new Promise((resolve) => link.onClose(resolve));
    await Promise.all([rig.stop(), rig.stop()]);
    await closed;
    expect(link.isOpen).toBe(false);
    await expect(opener(rig, "printer")()).rejects.toThrow(/cannot open/);
  });

  it("devices keep their state when the terminal reopens a port: slips stay printed, the card stays in", async () => {
    const rig = await startRig();
    rig.insert("cup-debit");
    for (const copy of ["merchant", "cardholder"] as const) {
      const printer = await EscPosPrinter.open({ link: opener(rig, "printer"), spoolDir: tempDir() });
      await printer.print({ document: sampleSaleSlip(32, copy) });
      await printer.close();
      const reader = new CcidContactReader({ opener: opener(rig, "contact") });
      await reader.open();
      expect((await reader.powerOn()).protocol).toBe("T=0");
      await reader.close();
    }
    expect(rig.status().printer.slipsPrinted).toBe(2);
    expect(rig.printer.text()).toMatch(/MERCHANT COPY[\s\S]*CARDHOLDER COPY/);
  });

  it("the indicator board: LEDs start dark, keys are pressed by name", async () => {
    const rig = await startRig();
    expect(rig.status().leds).toEqual({ green: 0, red: 0, blue: 0, buzzer: 0 });
    const seen: number[] = [];
    rig.io.digitalRead("key:enter", (value) => seen.push(value));
    rig.pressKey("enter");
    expect(seen).toEqual([1, 0]);
    expect(() => rig.pressKey("menu")).toThrow('no key "menu" (one of enter, cancel)');
  });
});
