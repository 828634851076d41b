import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceDisconnectedError } from "../../../drivers/core/device-error.js";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { Pn532Reader } from "../../../drivers/nfc/pn532-reader.js";
import { Pn532Emulator } from "../../../tools/rig/emulators/pn532/index.js";
import { PPSE_FCI, quickPassCard, SELECT_PPSE } from "./pn532-rig.js";

/**
 * Process-level run over a real pseudo-terminal pair made by socat (device-protocols.md §8): the driver
 * opens one end with the native serialport binding, the emulator the other. socat is a CI requirement
 * (.ci/run installs it); without it this test fails and says so.
 */
const unique = `pn532-${process.pid}-${Date.now()}`;
const hostPath = `/tmp/${unique}-host`;
const devicePath = `/tmp/${unique}-dev`;
let socat: ChildProcess | undefined;
let socatExited: Promise<void> | undefined;
let deviceLink: ByteLink | undefined;
let reader: Pn532Reader | undefined;

async function waitFor(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  const child = spawn(
    "socat",
    ["-d", "-d", `pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${devicePath}`],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  socat = child;
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const failed = new Promise<Error>((resolve) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === "ENOENT"
          ? new Error("socat is not installed: run `apt-get install -y socat` (CI installs it in .ci/run)")
          : error,
      ),
    );
  });
  socatExited = new Promise((resolve) => child.once("exit", () => resolve()));
  const ready = waitFor(() => existsSync(hostPath) && existsSync(devicePath), `socat to create ${hostPath}`);
  const outcome = await Promise.race([ready.then(() => undefined), failed]);
  if (outcome instanceof Error) throw outcome;
  if (child.exitCode !== null) throw new Error(`socat exited: ${stderr}`);
});

afterAll(async () => {
  await reader?.close().catch(() => undefined);
  await deviceLink?.close().catch(() => undefined);
  if (socat && socat.exitCode === null && socat.signalCode === null) {
    socat.kill("SIGTERM");
    await socatExited;
  }
});

describe("Pn532Reader over a socat pseudo-terminal pair", () => {
  it("polls a card, exchanges an APDU, then reports the disconnection when socat dies", async () => {
    deviceLink = await openSerialLink({ path: devicePath, baudRate: 115200 });
    const emulator = new Pn532Emulator(deviceLink);
    emulator.field.place(quickPassCard());
    // ptys through socat on a shared 2-core CI box can stall far longer than a UART's ACK time.
    reader = new Pn532Reader({
      open: () => openSerialLink({ path: hostPath, baudRate: 115200 }),
      ackTimeoutMs: 500,
    });
    expect((await reader.open()).model).toBe("PN532 v1.6");
    const card = await reader.poll({ timeoutMs: 2000 });
    expect(card).toMatchObject({ type: "A", uid: Buffer.from("04A1B2C3D4E5F6", "hex") });
    const response = await reader.transmit(SELECT_PPSE);
    expect(response.sw).toBe(0x9000);
    expect(response.data.toString("hex").toUpperCase()).toBe(PPSE_FCI);

    const lost = new Promise<Error>((resolve) => reader!.onDisconnect(resolve));
    socat!.kill("SIGTERM");
    await socatExited;
    // node-serialport usually reports the hangup of an idle pty within ms, but misses it when socat dies
    // a few ms after the last read (seen here: bindings-cpp poller); the next command's write then fails
    // with EIO and the disconnection is reported there. Either way the driver must report it.
    const reported = await Promise.race([
      lost,
      new Promise((resolve) => setTimeout(() => resolve("quiet"), 300)),
    ]);
    if (reported === "quiet") {
      await expect(reader.presence()).rejects.toThrow(DeviceDisconnectedError);
    }
    expect(await lost).toBeInstanceOf(DeviceDisconnectedError);
    expect(reader.session.state).toBe("disconnected");
    // The path is gone with socat: the next command cannot reopen it and says so.
    await expect(reader.poll({ timeoutMs: 100 })).rejects.toThrow(/cannot open the link/);
  });
});
