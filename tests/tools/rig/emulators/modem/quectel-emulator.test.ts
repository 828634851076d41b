import { afterEach, describe, expect, it } from "vitest";
import type { ByteLink } from "../../../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../../../drivers/link/memory-link.js";
import { QuectelEmulator } from "../../../../../tools/rig/emulators/modem/quectel-emulator.js";

const emulators: QuectelEmulator[] = [];
afterEach(() => {
  for (const emulator of emulators.splice(0)) emulator.stop();
});

function wire(faults: ConstructorParameters<typeof QuectelEmulator>[0] = {}) {
  const emulator = new QuectelEmulator(faults);
  emulators.push(emulator);
  const { host, device } = createMemoryLinkPair("emu");
  emulator.attach(device);
  let received = "";
  host.onData((chunk) => {
    received += chunk.toString("latin1");
  });
  const exchange = async (line: string, until: string) => {
    const start = received.length;
    await host.write(Buffer.from(`${line}\r`, "latin1"));
    for (let i = 0; i < 200 && !received.slice(start).includes(until); i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    return received.slice(start);
  };
  return { emulator, host: host as ByteLink, exchange };
}

describe("QuectelEmulator: the module side of the AT dialogue", () => {
  it("echoes after power-up until ATE0; replies in V1 format", async () => {
    const { exchange } = wire();
    expect(await exchange("AT+CSQ", "OK\r\n")).toBe("AT+CSQ\r\r\n+CSQ: 24,0\r\n\r\nOK\r\n");
    expect(await exchange("ATE0", "OK\r\n")).toBe("ATE0\r\r\nOK\r\n");
    expect(await exchange("AT+CSQ", "OK\r\n")).toBe("\r\n+CSQ: 24,0\r\n\r\nOK\r\n");
  });

  it("+CME ERROR follows AT+CMEE: plain ERROR, numeric, verbose", async () => {
    const { exchange } = wire({ faults: [{ kind: "sim-missing" }] });
    await exchange("ATE0", "OK\r\n");
    expect(await exchange("AT+CPIN?", "ERROR\r\n")).toBe("\r\nERROR\r\n");
    await exchange("AT+CMEE=1", "OK\r\n");
    expect(await exchange("AT+CPIN?", "\r\n+CME ERROR: 10\r\n")).toBe("\r\n+CME ERROR: 10\r\n");
    await exchange("AT+CMEE=2", "OK\r\n");
    expect(await exchange("AT+CPIN?", "inserted\r\n")).toBe("\r\n+CME ERROR: SIM not inserted\r\n");
  });

  it("unknown commands and malformed socket commands answer ERROR", async () => {
    const { exchange } = wire();
    await exchange("ATE0", "OK\r\n");
    expect(await exchange("AT+NOPE", "ERROR\r\n")).toBe("\r\nERROR\r\n");
    expect(await exchange("AT+QISEND=0,5", "ERROR\r\n")).toBe("\r\nERROR\r\n");
    expect(await exchange('AT+QIOPEN=1,20,"TCP","h",1,0,0', "ERROR\r\n")).toBe("\r\nERROR\r\n");
  });

  it("reboot emits the RDY banner and turns echo back on", async () => {
    const { emulator, exchange } = wire();
    await exchange("ATE0", "OK\r\n");
    const banner = await exchange("AT+CFUN=1,1", "SMS DONE\r\n");
    expect(banner).toContain("\r\nOK\r\n");
    expect(banner).toContain("\r\nRDY\r\n");
    expect(emulator.state.echo).toBe(true);
  });
});
