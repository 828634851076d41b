import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exampleSettingsInput } from "../../../firmware/config/index.js";
import { Journal } from "../../../firmware/journal/index.js";
import { DEFAULT_MERCHANT_ID, DEFAULT_TERMINAL_ID } from "../../../tools/host-sim/default-cards.js";
import { HostSimulator } from "../../../tools/host-sim/host-simulator.js";
import { Rig } from "../../../tools/rig/rig.js";
import { injectTestTmk } from "../../../tools/terminal/rig-terminal.js";
import { testCardholderPin } from "../../../tools/terminal/test-cardholders.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const MAIN = join(import.meta.dirname, "../../../dist/tools/posctl/main.js");

describe("posctl terminal start --config: the board path (real serial ports by path, a host by address)", () => {
  it("boots from a config file on pseudo-terminals, takes a sale at the console and journals it", async () => {
    const dir = tempDir();
    const rig = await Rig.start({ transport: "pty", dir: join(dir, "rig"), emv: true });
    cleanups.push(() => rig.stop());
    rig.pinpad.cardholder.autoPin = testCardholderPin;
    const host = new HostSimulator();
    const address = await host.start({ host: "127.0.0.1", port: 0 });
    cleanups.push(() => host.stop());

    const base = exampleSettingsInput();
    const storage = join(dir, "data");
    const config = {
      ...base,
      terminal: { ...base.terminal, terminalId: DEFAULT_TERMINAL_ID, merchantId: DEFAULT_MERCHANT_ID },
      host: { ...base.host, transport: "tcp", host: address.host, port: address.port, tls: undefined },
      devices: rig.deviceConfig().devices,
      storage: { dir: storage },
      log: { level: "info", file: join(dir, "terminal.log") },
    };
    const configPath = join(dir, "terminal.json");
    writeFileSync(configPath, JSON.stringify(config));
    injectTestTmk(storage);

    const child = spawn(process.execPath, [MAIN, "terminal", "start", "--config", configPath, "--plain"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString("utf8");
    });
    child.stderr.on("data", (b: Buffer) => {
      out += b.toString("utf8");
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    });
    const waitFor = async (pattern: RegExp, after = 0) => {
      const deadline = Date.now() + 30_000;
      while (!pattern.test(out.slice(after))) {
        if (Date.now() > deadline) throw new Error(`never shown: ${pattern}\n${out.slice(-1500)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return out.length;
    };
    let at = await waitFor(/\[idle\]/);
    child.stdin.write("2500\r");
    at = await waitFor(/\[presentCard\]/, at);
    await rig.swipe("cup-magstripe");
    at = await waitFor(/\[approved\]/, at);
    await waitFor(/\[idle\]/, at);
    child.stdin.end();
    expect(await exited).toBe(0);

    const journal = Journal.open(join(storage, "journal.db"));
    try {
      expect(journal.last()).toMatchObject({
        type: "sale",
        amount: 2500,
        status: "approved",
        copiesPrinted: 2,
      });
    } finally {
      journal.close();
    }
    expect(rig.status().printer.slipsPrinted).toBe(2);
    expect(host.ledger().transactions.some((t) => t.amount === 2500 && t.approved)).toBe(true);
  });
});
