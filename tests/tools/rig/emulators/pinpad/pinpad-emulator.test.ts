import { describe, expect, it } from "vitest";
import { createMemoryLinkPair } from "../../../../../drivers/link/memory-link.js";
import { tdesEcbEncrypt } from "../../../../../protocol/crypto/cipher.js";
import { kcvTdes } from "../../../../../protocol/crypto/kcv.js";
import { decryptPinBlock } from "../../../../../protocol/crypto/pinblock/index.js";
import { fromHex, toHex } from "../../../../../protocol/hex.js";
import {
  decodeResponse,
  encodeCommand,
  encodeFrame,
  getPinCommand,
  loadWorkingKeyCommand,
  type PinPadCommand,
  PinPadFrameDecoder,
  type PinPadLinkEvent,
} from "../../../../../protocol/pinpad/index.js";
import {
  Cardholder,
  PadKeyStore,
  PinPadEmulator,
  PinPadFaultPlan,
} from "../../../../../tools/rig/emulators/pinpad/index.js";

const TMK = fromHex("0123456789ABCDEFFEDCBA9876543210");
const PIK = fromHex("0F1E2D3C4B5A69788796A5B4C3D2E1F0");

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** An emulator driven with raw bytes, as a host would; collects what it sends back. */
function wire(emulator = new PinPadEmulator({ masterKeys: { 0: TMK } })) {
  const { host, device } = createMemoryLinkPair("pinpad");
  emulator.attach(device);
  const decoder = new PinPadFrameDecoder();
  const events: PinPadLinkEvent[] = [];
  const raw: Buffer[] = [];
  host.onData((chunk) => {
    raw.push(chunk);
    events.push(...decoder.push(chunk));
  });
  const summary = () =>
    events.map((e) =>
      e.type === "control"
        ? toHex(Buffer.from([e.byte]))
        : e.type === "frame"
          ? decodeResponse(e.data).id + String(decodeResponse(e.data).status).padStart(3, "0")
          : e.type,
    );
  const send = async (bytes: Buffer | string) => {
    await host.write(typeof bytes === "string" ? fromHex(bytes) : bytes);
    await settle();
  };
  const command = (c: PinPadCommand) => send(encodeFrame(encodeCommand(c)));
  return { emulator, host, events, raw, summary, send, command };
}

describe("PinPadEmulator on the wire", () => {
  it("NAKs the spec's corrupted OPN, then ACKs the good one and answers OPN000 byte for byte", async () => {
    const w = wire();
    await w.send("164F504E170000");
    await w.send("164F504E17A8A9");
    expect(toHex(Buffer.concat(w.raw))).toBe(`15${"06"}${toHex(encodeFrame(Buffer.from("OPN000")))}`);
    expect(w.emulator.counters.corruptReceived).toBe(1);
  });

  it("answers CAN with EOT even when idle", async () => {
    const w = wire();
    await w.send("18");
    expect(w.summary()).toEqual(["04"]);
  });

  it("resends its last response when the host NAKs it", async () => {
    const w = wire();
    await w.command({ id: "OPN", blocks: [] });
    await w.send("15");
    expect(w.summary()).toEqual(["06", "OPN000", "OPN000"]);
  });

  it("refuses commands before OPN (010) and unknown commands (ERR 010)", async () => {
    const w = wire();
    await w.command({ id: "DSP", blocks: [] });
    await w.command({ id: "OPN", blocks: [] });
    await w.command({ id: "XYZ", blocks: [] });
    await w.command({ id: "DSP", blocks: [Buffer.from("short")] });
    expect(w.summary()).toEqual(["06", "DSP010", "06", "OPN000", "06", "ERR010", "06", "DSP011"]);
  });

  it("loads working keys only when the check value matches; power cycles keep them", async () => {
    const emulator = new PinPadEmulator({ masterKeys: { 0: TMK } });
    const w = wire(emulator);
    await w.command({ id: "OPN", blocks: [] });
    const ciphertext = tdesEcbEncrypt(TMK, PIK);
    await w.command(
      loadWorkingKeyCommand({ slot: 5, masterKeyIndex: 0, usage: "pin", ciphertext, kcv: Buffer.alloc(3) }),
    );
    await w.command(
      loadWorkingKeyCommand({ slot: 5, masterKeyIndex: 0, usage: "pin", ciphertext, kcv: kcvTdes(PIK) }),
    );
    expect(w.summary().slice(-4)).toEqual(["06", "LWK091", "06", "LWK000"]);
    expect(emulator.keys.hasPinKey("mkwk", 5)).toBe(true);
    await emulator.powerCycle();
    expect(emulator.keys.hasPinKey("mkwk", 5)).toBe(true);
    expect(emulator.isSessionOpen).toBe(false);
  });

  it("sends one NTM per digit, then the PIN block; wipes the PIN Buffer it was handed", async () => {
    const emulator = new PinPadEmulator({ masterKeys: { 0: TMK } });
    const w = wire(emulator);
    await w.command({ id: "OPN", blocks: [] });
    const ciphertext = tdesEcbEncrypt(TMK, PIK);
    await w.command(
      loadWorkingKeyCommand({ slot: 0, masterKeyIndex: 0, usage: "pin", ciphertext, kcv: kcvTdes(PIK) }),
    );
    const pin = Buffer.from("73915");
    emulator.cardholder.enterPin(pin);
    const pan = "6217000012345678";
    await w.command(
      getPinCommand({
        method: 1,
        keyIndex: 0,
        pan,
        minLength: 4,
        maxLength: 12,
        prompt: ["PIN?"],
        timeoutSeconds: 30,
      }),
    );
    expect(w.summary().slice(4)).toEqual(["06", "NTM000", "NTM000", "NTM000", "NTM000", "NTM000", "GPN000"]);
    expect(pin.equals(Buffer.alloc(5))).toBe(true);
    const last = w.events.at(-1) as { type: "frame"; data: Buffer };
    const block = Buffer.from(last.data.subarray(9, 25).toString("latin1"), "hex");
    expect(decryptPinBlock(PIK, block, { format: 0, pan }).toString()).toBe("73915");
    expect(last.data.subarray(25).toString("latin1")).toBe("0".repeat(20));
  });

  it("refuses a PIN outside MIN..MAX (011), single-DES methods and per-command keys (011)", async () => {
    const emulator = new PinPadEmulator({ masterKeys: { 0: TMK } });
    const w = wire(emulator);
    await w.command({ id: "OPN", blocks: [] });
    const ciphertext = tdesEcbEncrypt(TMK, PIK);
    await w.command(
      loadWorkingKeyCommand({ slot: 0, masterKeyIndex: 0, usage: "pin", ciphertext, kcv: kcvTdes(PIK) }),
    );
    const request = {
      method: 1 as const,
      keyIndex: 0,
      pan: "6217000012345678",
      minLength: 4,
      maxLength: 4,
      prompt: ["PIN?"] as const,
      timeoutSeconds: 0,
    };
    emulator.cardholder.enterPin("123456");
    await w.command(getPinCommand(request));
    await w.command(getPinCommand({ ...request, method: 0 }));
    expect(w.summary().slice(-4)).toEqual(["06", "GPN011", "06", "GPN011"]);
  });

  it("CAN during PIN entry drops the prompt without a GPN response", async () => {
    const emulator = new PinPadEmulator({ masterKeys: { 0: TMK } });
    const w = wire(emulator);
    await w.command({ id: "OPN", blocks: [] });
    await w.command(
      loadWorkingKeyCommand({
        slot: 0,
        masterKeyIndex: 0,
        usage: "pin",
        ciphertext: tdesEcbEncrypt(TMK, PIK),
        kcv: kcvTdes(PIK),
      }),
    );
    await w.command(
      getPinCommand({
        method: 1,
        keyIndex: 0,
        pan: "6217000012345678",
        minLength: 4,
        maxLength: 12,
        prompt: ["PIN?"],
        timeoutSeconds: 0,
      }),
    );
    expect(emulator.promptingForPin).toBe(true);
    await w.send("18");
    expect(emulator.promptingForPin).toBe(false);
    expect(w.summary().slice(-2)).toEqual(["06", "04"]);
    emulator.cardholder.enterPin("1234"); // queued for the next prompt, not answered now
    await settle();
    expect(w.summary().at(-1)).toBe("04");
  });
});

describe("Cardholder script", () => {
  it("plays actions in order, falls back to autoPin, waits otherwise, and can be abandoned", async () => {
    const cardholder = new Cardholder();
    cardholder.cancelByCardholder();
    cardholder.enterPin("1234");
    expect(await cardholder.next("1")).toEqual({ kind: "cancel" });
    expect((await cardholder.next("1")).kind).toBe("pin");
    cardholder.autoPin = (pan) => (pan === "42" ? "9999" : undefined);
    expect(await cardholder.next("42")).toEqual({ kind: "pin", digits: Buffer.from("9999") });
    const waiting = cardholder.next("7");
    expect(cardholder.waiting).toBe(true);
    cardholder.timeout();
    expect(await waiting).toEqual({ kind: "timeout" });
    const abandoned = cardholder.next("7");
    cardholder.abandon();
    expect(await abandoned).toEqual({ kind: "abandoned" });
  });

  it("clear() wipes queued PINs", () => {
    const cardholder = new Cardholder();
    const pin = Buffer.from("8888");
    cardholder.enterPin(pin);
    cardholder.clear();
    expect(pin.equals(Buffer.alloc(4))).toBe(true);
  });
});

describe("PinPadFaultPlan and PadKeyStore", () => {
  it("counted faults stay armed until used up; command filters apply", () => {
    const plan = new PinPadFaultPlan([
      { command: "GPN", fault: { kind: "nak", times: 2 } },
      { fault: { kind: "lose-can", times: 1 } },
    ]);
    expect(plan.take("nak", "DSP")).toBeUndefined();
    expect(plan.take("nak", "GPN")).toEqual({ kind: "nak", times: 2 });
    expect(plan.take("nak", "GPN")).toBeDefined();
    expect(plan.take("nak", "GPN")).toBeUndefined();
    expect(plan.take("lose-can")).toBeDefined();
    expect(plan.armed).toBe(0);
  });

  it("zeroize() erases every key", () => {
    const store = new PadKeyStore({ masterKeys: { 0: TMK } });
    const ciphertext = tdesEcbEncrypt(TMK, PIK);
    expect(
      store.loadWorkingKey({ slot: 1, masterKeyIndex: 0, usage: "pin", ciphertext, kcv: kcvTdes(PIK) }),
    ).toBe(0);
    store.zeroize();
    expect(store.hasPinKey("mkwk", 1)).toBe(false);
    expect(
      store.loadWorkingKey({ slot: 1, masterKeyIndex: 0, usage: "pin", ciphertext, kcv: kcvTdes(PIK) }),
    ).toBe(42);
  });
});
