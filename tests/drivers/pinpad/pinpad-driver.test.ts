import { describe, expect, it } from "vitest";
import {
  DeviceCancelledError,
  DeviceDisconnectedError,
  DeviceProtocolError,
  DeviceTimeoutError,
} from "../../../drivers/core/device-error.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import {
  AbecsPinPad,
  PinEntryCancelledError,
  PinEntryTimeoutError,
  PinPadBusyError,
  PinPadKeyCheckError,
  PinPadKeyMissingError,
  PinPadStatusError,
} from "../../../drivers/pinpad/index.js";
import { decryptPinBlock } from "../../../protocol/crypto/pinblock/index.js";
import { toHex } from "../../../protocol/hex.js";
import { advance, outcome, PIK, PIK_KCV, PIK_UNDER_TMK, pinPadRig, readyRig, settle } from "./rig.js";

const PAN = "6225880112345678";

describe("AbecsPinPad ↔ emulator: commands", () => {
  it("opens, displays, reports its info and closes with an idle message", async () => {
    const { pad, emulator } = pinPadRig({ info: { serialNumber: "SN-42", model: "RIG-PP" } });
    await pad.open();
    expect(emulator.isSessionOpen).toBe(true);
    await pad.display(["APPROVED", "THANK YOU"]);
    expect(emulator.display).toEqual(["APPROVED", "THANK YOU"]);
    await pad.display();
    expect(emulator.display).toEqual(["", ""]);
    expect(await pad.info()).toMatchObject({ serialNumber: "SN-42", model: "RIG-PP", specVersion: "2.12" });
    await pad.close();
    expect(emulator.isSessionOpen).toBe(false);
    expect(emulator.received).toEqual(["OPN", "DSP", "DSP", "GIN", "CLO"]);
  });

  it("a command before OPN is refused by the pad with a typed status error (010)", async () => {
    const { pad } = pinPadRig();
    const error = await pad.display(["HELLO"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinPadStatusError);
    expect((error as PinPadStatusError).status.name).toBe("INVALID_CALL");
  });

  it("serialises concurrent callers: one command in flight", async () => {
    const { pad, emulator } = pinPadRig();
    await pad.open();
    await Promise.all([pad.display(["ONE"]), pad.display(["TWO"]), pad.info()]);
    expect(emulator.received.slice(1)).toEqual(["DSP", "DSP", "GIN"]);
    expect(emulator.display).toEqual(["TWO", ""]);
  });
});

describe("working keys", () => {
  it("loads a PIN key as ciphertext + KCV; the PIN comes back as the jPOS vector block", async () => {
    const { pad, emulator } = await readyRig();
    emulator.cardholder.enterPin("1234");
    const block = await pad.getPin({ pan: "1234567890120" });
    expect(block.format).toBe(0);
    expect(block.keyManagement).toBe("mkwk");
    expect(block.ksn).toBeUndefined();
    // crypto-public.json pinblock_encrypted_tdes[0]
    expect(toHex(block.block)).toBe("3C0CA40863092C3A");
  });

  it("refuses a key whose check value does not match (091), keeping none", async () => {
    const { pad } = pinPadRig();
    await pad.open();
    const badKcv = Buffer.from(PIK_KCV);
    badKcv[0]! ^= 1;
    const error = await pad
      .loadWorkingKey({ slot: 0, usage: "pin", ciphertext: PIK_UNDER_TMK, kcv: badKcv })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinPadKeyCheckError);
    expect((error as PinPadKeyCheckError).status.code).toBe(91);
    await expect(pad.getPin({ pan: PAN })).rejects.toBeInstanceOf(PinPadKeyMissingError);
  });

  it("042 when the master key index is absent, or the slot holds a MAC key", async () => {
    const { pad } = pinPadRig();
    await pad.open();
    await expect(
      pad.loadWorkingKey({
        slot: 0,
        usage: "pin",
        ciphertext: PIK_UNDER_TMK,
        kcv: PIK_KCV,
        masterKeyIndex: 7,
      }),
    ).rejects.toBeInstanceOf(PinPadKeyMissingError);
    await pad.loadWorkingKey({ slot: 2, usage: "mac", ciphertext: PIK_UNDER_TMK, kcv: PIK_KCV });
    const error = await pad.getPin({ pan: PAN, keySlot: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinPadKeyMissingError);
    expect((error as PinPadKeyMissingError).message).toBe(
      "pinpad: GPN answered 042: key (master key, working key or DUKPT) absent",
    );
  });
});

describe("PIN entry", () => {
  it("format 0 under the working key: decrypts back to the PIN with the clear PIK", async () => {
    const { pad, emulator } = await readyRig();
    const pin = Buffer.from("482916");
    emulator.cardholder.enterPin(pin);
    const result = await pad.getPin({ pan: PAN, minLength: 4, maxLength: 6 });
    expect(pin.equals(Buffer.alloc(6))).toBe(true); // the pad wiped the PIN it was handed
    const clear = decryptPinBlock(PIK, result.block, { format: 0, pan: PAN });
    expect(clear.toString("latin1")).toBe("482916");
    clear.fill(0);
  });

  it("passes NTM progress to the callback as a count, never digits", async () => {
    const { pad, emulator } = await readyRig();
    const seen: number[] = [];
    const screens: string[] = [];
    emulator.cardholder.enterPin("9731");
    await pad.getPin({
      pan: PAN,
      prompt: ["PIN PLEASE"],
      onPinEntry: (e) => {
        seen.push(e.digitsEntered);
        screens.push(e.lines.join("|"));
      },
    });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(screens.at(-1)).toBe("PIN PLEASE|****");
    expect(screens.join("")).not.toMatch(/[0-9]/);
  });

  it("waits for the cardholder (blocking command) and answers when the PIN is typed", async () => {
    const { pad, emulator } = await readyRig();
    const pending = outcome(pad.getPin({ pan: PAN }));
    await settle();
    expect(emulator.promptingForPin).toBe(true);
    expect(emulator.display[0]).toBe("ENTER PIN");
    emulator.cardholder.enterPin("0000");
    const { value } = await pending;
    expect(decryptPinBlock(PIK, value!.block, { format: 0, pan: PAN }).toString()).toBe("0000");
  });

  it("auto-PIN per PAN for unattended runs", async () => {
    const { pad } = await readyRig({ autoPin: (pan) => (pan.endsWith("5678") ? "2580" : undefined) });
    const result = await pad.getPin({ pan: PAN });
    expect(decryptPinBlock(PIK, result.block, { format: 0, pan: PAN }).toString()).toBe("2580");
  });

  it("refuses bad arguments before anything reaches the wire", async () => {
    const { pad, emulator } = await readyRig();
    await expect(pad.getPin({ pan: "6225 8801" })).rejects.toThrow("GPN.PAN");
    await expect(pad.getPin({ pan: PAN, minLength: 2 })).rejects.toThrow("GPN.MIN");
    expect(emulator.received).toEqual(["OPN", "LWK"]);
  });
});

describe("pad statuses as typed errors", () => {
  it("013 cardholder cancel → PinEntryCancelledError (a DeviceCancelledError)", async () => {
    const { pad, emulator } = await readyRig();
    emulator.cardholder.cancelByCardholder();
    const error = await pad.getPin({ pan: PAN }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinEntryCancelledError);
    expect(error).toBeInstanceOf(DeviceCancelledError);
    expect((error as PinEntryCancelledError).status).toEqual({
      code: 13,
      name: "CANCELLED",
      text: "cancelled by the cardholder",
    });
  });

  it("012 pad timeout → PinEntryTimeoutError (a DeviceTimeoutError)", async () => {
    const { pad, emulator } = await readyRig();
    emulator.cardholder.timeout();
    const error = await pad.getPin({ pan: PAN }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinEntryTimeoutError);
    expect(error).toBeInstanceOf(DeviceTimeoutError);
  });

  it("042 missing key (nothing loaded) → PinPadKeyMissingError; DUKPT slot without keys too", async () => {
    const { pad } = pinPadRig();
    await pad.open();
    await expect(pad.getPin({ pan: PAN })).rejects.toBeInstanceOf(PinPadKeyMissingError);
    await expect(pad.getPin({ pan: PAN, keyManagement: "dukpt", keySlot: 9 })).rejects.toBeInstanceOf(
      PinPadKeyMissingError,
    );
  });

  it("044 PIN busy → PinPadBusyError; the next attempt succeeds", async () => {
    const { pad, emulator } = await readyRig({ autoPin: () => "1234" });
    emulator.faults.add({ command: "GPN", fault: { kind: "status", status: 44 } });
    const error = await pad.getPin({ pan: PAN }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinPadBusyError);
    expect(error).toBeInstanceOf(DeviceProtocolError);
    await expect(pad.getPin({ pan: PAN })).resolves.toMatchObject({ format: 0 });
  });
});

describe("link-layer faults (fake time)", () => {
  it("NAK once, then ACK: the command is resent and succeeds", async () => {
    const { pad, emulator } = await readyRig();
    emulator.faults.add({ command: "DSP", fault: { kind: "nak", times: 1 } });
    await pad.display(["RETRY"]);
    expect(emulator.received.filter((id) => id === "DSP")).toHaveLength(2);
    expect(pad.session.counters).toMatchObject({ naksReceived: 1, resends: 1 });
    expect(emulator.display[0]).toBe("RETRY");
  });

  it("NAK ×3: the host gives up with a protocol error after three transmissions", async () => {
    const { pad, emulator } = await readyRig();
    emulator.faults.add({ command: "DSP", fault: { kind: "nak", times: 3 } });
    await expect(pad.display(["NEVER"])).rejects.toThrow("pinpad: DSP refused: NAK 3 times");
    expect(emulator.received.filter((id) => id === "DSP")).toHaveLength(3);
  });

  it("no ACK within 2 s: resent at 2 s, succeeds on the second transmission", async () => {
    const { pad, emulator, clock } = await readyRig();
    emulator.faults.add({ command: "DSP", fault: { kind: "no-ack", times: 1 } });
    const result = outcome(pad.display(["SLOW"]));
    await settle();
    expect(emulator.received.filter((id) => id === "DSP")).toHaveLength(1);
    await advance(clock, 1999);
    expect(emulator.received.filter((id) => id === "DSP")).toHaveLength(1);
    await advance(clock, 1);
    expect((await result).error).toBeUndefined();
    expect(emulator.received.filter((id) => id === "DSP")).toHaveLength(2);
  });

  it("no ACK at all: DeviceTimeoutError after 3 × 2 s", async () => {
    const { pad, emulator, clock } = await readyRig();
    emulator.faults.add({ command: "GIN", fault: { kind: "no-ack", times: 3 } });
    const result = outcome(pad.info());
    for (let i = 0; i < 3; i++) await advance(clock, 2000);
    const { error } = await result;
    expect(error).toBeInstanceOf(DeviceTimeoutError);
    expect(error!.message).toBe("pinpad: no ACK to GIN after 3 attempts");
    expect(clock.now()).toBe(6000);
  });

  it("response CRC error: the host NAKs and takes the pad's resend", async () => {
    const { pad, emulator } = await readyRig({ autoPin: () => "1234" });
    emulator.faults.add({ command: "GPN", fault: { kind: "corrupt-response", times: 1 } });
    const result = await pad.getPin({ pan: PAN });
    expect(decryptPinBlock(PIK, result.block, { format: 0, pan: PAN }).toString()).toBe("1234");
    expect(pad.session.counters).toMatchObject({ naksSent: 1, corruptFrames: 1 });
    expect(emulator.counters.naksReceived).toBe(1);
  });

  it("response CRC error four times: three NAKs, then a protocol error", async () => {
    const { pad, emulator } = await readyRig();
    emulator.faults.add({ command: "GIN", fault: { kind: "corrupt-response", times: 4 } });
    await expect(pad.info()).rejects.toThrow("response to GIN still corrupt after 3 NAKs");
    expect(emulator.counters.naksReceived).toBe(3);
  });

  it("split, byte-by-byte delivery and garbage from the link (withFaults) are absorbed", async () => {
    const { pad, emulator } = await readyRig({
      autoPin: () => "1234",
      linkFaults: {
        rules: [
          { startsWith: [0x16], faults: [{ kind: "split", chunkSize: 1 }], repeat: true },
          { reply: 0, faults: [{ kind: "garbage", bytes: [0x41, 0x42, 0x13], where: "before" }] },
        ],
      },
    });
    expect(emulator.received).toEqual(["OPN", "LWK"]);
    const result = await pad.getPin({ pan: PAN });
    expect(decryptPinBlock(PIK, result.block, { format: 0, pan: PAN }).toString()).toBe("1234");
    expect(pad.session.counters.skippedBytes).toBe(3);
  });
});

describe("cancellation (CAN → EOT)", () => {
  it("an AbortSignal during PIN entry sends CAN; EOT ends it with DeviceCancelledError", async () => {
    const { pad, emulator, trace } = await readyRig();
    const controller = new AbortController();
    const result = outcome(pad.getPin({ pan: PAN, signal: controller.signal }));
    await settle();
    expect(emulator.promptingForPin).toBe(true);
    controller.abort();
    const { error } = await result;
    expect(error).toBeInstanceOf(DeviceCancelledError);
    expect(error!.message).toBe("pinpad: GPN cancelled; the pad confirmed with EOT");
    expect(emulator.promptingForPin).toBe(false);
    expect(trace.filter((e) => e.kind === "can")).toHaveLength(1);
    // The pad is usable again at once.
    emulator.cardholder.enterPin("1234");
    await expect(pad.getPin({ pan: PAN })).resolves.toMatchObject({ format: 0 });
  });

  it("cancel() aborts the command in flight", async () => {
    const { pad, emulator } = await readyRig();
    const result = outcome(pad.getPin({ pan: PAN }));
    await settle();
    await pad.cancel();
    expect((await result).error).toBeInstanceOf(DeviceCancelledError);
    expect(emulator.counters.cans).toBe(1);
  });

  it("cancel() on an idle pad sends CAN and gets EOT", async () => {
    const { pad, emulator } = await readyRig();
    await pad.cancel();
    expect(emulator.counters.cans).toBe(1);
  });

  it("an already-aborted signal never reaches the wire", async () => {
    const { pad, emulator } = await readyRig();
    await expect(pad.getPin({ pan: PAN, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      DeviceCancelledError,
    );
    expect(emulator.received).toEqual(["OPN", "LWK"]);
  });

  it("CAN lost once: resent after 2 s, then EOT", async () => {
    const { pad, emulator, clock, trace } = await readyRig();
    emulator.faults.add({ fault: { kind: "lose-can", times: 1 } });
    const controller = new AbortController();
    const result = outcome(pad.getPin({ pan: PAN, signal: controller.signal }));
    await settle();
    controller.abort();
    await advance(clock, 2000);
    expect((await result).error).toBeInstanceOf(DeviceCancelledError);
    expect(trace.filter((e) => e.kind === "can")).toHaveLength(2);
  });

  it("CAN lost three times: a protocol error says the pad never confirmed", async () => {
    const { pad, emulator, clock } = await readyRig();
    emulator.faults.add({ fault: { kind: "lose-can", times: 3 } });
    const controller = new AbortController();
    const result = outcome(pad.getPin({ pan: PAN, signal: controller.signal }));
    await settle();
    controller.abort();
    for (let i = 0; i < 3; i++) await advance(clock, 2000);
    const { error } = await result;
    expect(error).toBeInstanceOf(DeviceProtocolError);
    expect(error!.message).toBe("pinpad: GPN cancelled, but no EOT after 3 CAN");
  });

  it("host timeout (pad silent past the cardholder time + grace): CAN, then DeviceTimeoutError", async () => {
    const { pad, emulator, clock } = await readyRig();
    const result = outcome(pad.getPin({ pan: PAN, timeoutMs: 30_000 }));
    await settle();
    await advance(clock, 39_999);
    expect(emulator.counters.cans).toBe(0);
    await advance(clock, 1);
    const { error } = await result;
    expect(error).toBeInstanceOf(DeviceTimeoutError);
    expect(error!.message).toBe("pinpad: no response to GPN within 40000 ms");
    expect(emulator.counters.cans).toBe(1);
  });
});

describe("port loss and reopen", () => {
  it("power cycle mid-PIN: getPin fails as disconnected; the next call reopens, re-sends OPN and works", async () => {
    const { pad, emulator, links } = await readyRig();
    emulator.faults.add({ command: "GPN", fault: { kind: "power-cycle" } });
    const error = await pad.getPin({ pan: PAN }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceDisconnectedError);
    expect(emulator.isSessionOpen).toBe(false);
    emulator.cardholder.enterPin("5555");
    const result = await pad.getPin({ pan: PAN });
    expect(decryptPinBlock(PIK, result.block, { format: 0, pan: PAN }).toString()).toBe("5555");
    expect(links).toHaveLength(2);
    expect(emulator.received).toEqual(["OPN", "LWK", "GPN", "OPN", "GPN"]);
    expect(pad.session.counters.reopens).toBe(1);
  });

  it("a link that will not reopen fails the command with DeviceDisconnectedError", async () => {
    let opens = 0;
    const { emulator } = pinPadRig();
    const pad = new AbecsPinPad({
      opener: async () => {
        opens++;
        if (opens > 1) throw new Error("ENOENT /dev/pos/pinpad");
        const pair = createMemoryLinkPair();
        emulator.attach(pair.device);
        return pair.host;
      },
    });
    await pad.open();
    await emulator.powerCycle();
    await settle();
    await expect(pad.info()).rejects.toThrow("pinpad: cannot open the link");
    await expect(pad.info()).rejects.toBeInstanceOf(DeviceDisconnectedError);
  });

  it("close() is idempotent and a later open() starts a fresh session", async () => {
    const { pad, emulator } = await readyRig();
    await pad.close();
    await pad.close();
    await pad.open();
    expect(emulator.isSessionOpen).toBe(true);
    expect(pad.session.counters.reopens).toBe(0);
  });
});
