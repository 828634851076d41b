import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { DeviceDisconnectedError, DeviceError } from "../../../drivers/core/device-error.js";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { AbecsPinPad, type PinPadTraceEvent } from "../../../drivers/pinpad/index.js";
import { decryptPinBlock } from "../../../protocol/crypto/pinblock/index.js";
import { PinPadEmulator } from "../../../tools/rig/emulators/pinpad/index.js";
import { PIK, PIK_KCV, PIK_UNDER_TMK, TMK } from "./rig.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function requireSocat(): void {
  const probe = spawnSync("socat", ["-V"], { stdio: "ignore" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      "socat is not installed: this test needs a real pseudo-terminal pair (apt-get install -y socat, as .ci/run does)",
    );
  }
}

/** Starts `socat pty,… pty,…` and waits until both symlinks exist and it has entered its transfer loop. */
async function startSocat(host: string, dev: string): Promise<ChildProcess> {
  const child = spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${host}`, `pty,raw,echo=0,link=${dev}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socat did not start within 5 s: ${log}`)), 5000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited with ${code}: ${log}`));
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("starting data transfer loop") && existsSync(host) && existsSync(dev)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.removeAllListeners("exit");
  return child;
}

describe("AbecsPinPad over a real pty pair (socat)", () => {
  it("gets a PIN across the ptys, then sees the disconnection when socat dies", async () => {
    requireSocat();
    const base = `/tmp/pinpad-${process.pid}-${Date.now().toString(36)}`;
    const hostPath = `${base}-host`;
    const devPath = `${base}-dev`;
    const socat = await startSocat(hostPath, devPath);
    const exited = new Promise<void>((resolve) => socat.once("exit", () => resolve()));
    cleanups.push(async () => {
      if (socat.exitCode === null && socat.signalCode === null) {
        socat.kill("SIGTERM");
        await exited;
      }
    });

    const emulator = new PinPadEmulator({ masterKeys: { 0: TMK }, autoPin: () => "2468" });
    const deviceEnd: ByteLink = await openSerialLink({ path: devPath, baudRate: 115200 });
    cleanups.push(() => deviceEnd.close());
    emulator.attach(deviceEnd);

    const trace: PinPadTraceEvent[] = [];
    let lost!: () => void;
    const linkLost = new Promise<void>((resolve) => {
      lost = resolve;
    });
    const pad = new AbecsPinPad({
      opener: () => openSerialLink({ path: hostPath, baudRate: 115200 }),
      trace: (event) => {
        trace.push(event);
        if (event.kind === "lost") lost();
      },
    });
    cleanups.push(() => pad.close());

    await pad.open();
    expect(await pad.info()).toMatchObject({ specVersion: "2.12" });
    await pad.loadWorkingKey({ slot: 0, usage: "pin", ciphertext: PIK_UNDER_TMK, kcv: PIK_KCV });
    const pan = "6222021234567890";
    const result = await pad.getPin({ pan, prompt: ["PTY PIN"] });
    expect(decryptPinBlock(PIK, result.block, { format: 0, pan }).toString()).toBe("2468");

    socat.kill("SIGTERM");
    await exited;
    // node-serialport usually reports the hangup at once; on an idle pty it sometimes only notices
    // at the next write (EIO). Either way the next command fails with a typed device error, and the
    // session sees the link go.
    const error = await pad.info().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceError);
    expect(error instanceof DeviceDisconnectedError || (error as Error).message.includes(hostPath)).toBe(
      true,
    );
    await linkLost;
    expect(pad.session.isOpen).toBe(false);
    expect(trace.some((e) => e.kind === "lost")).toBe(true);
    // The path went with socat: reopening fails, naming the port.
    await expect(pad.info()).rejects.toThrow(`${hostPath}: cannot open`);
  });
});
