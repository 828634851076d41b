import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DeviceDisconnectedError } from "../../../drivers/core/device-error.js";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { openPtyPair, type PtyPair, ptyTarget } from "../../../tools/rig/pty-pair.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pair(): Promise<PtyPair> {
  const base = join(tmpdir(), `pos-pty-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const p = await openPtyPair(`${base}-host`, `${base}-dev`);
  cleanups.push(() => p.stop());
  return p;
}

async function open(path: string): Promise<ByteLink> {
  const link = await openSerialLink({ path, baudRate: 115200 });
  cleanups.push(() => link.close());
  return link;
}

describe("socat pty pair (real pseudo-terminals)", () => {
  it("carries binary bytes both ways between two serial links", async () => {
    const p = await pair();
    expect(ptyTarget(p.hostPath)).toMatch(/^\/dev\/pts\/\d+$/);
    const host = await open(p.hostPath);
    const device = await open(p.devicePath);
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const received: Buffer[] = [];
    device.onData((c) => received.push(c));
    await host.write(all);
    while (Buffer.concat(received).length < 256) await new Promise((r) => setTimeout(r, 5));
    expect(Buffer.concat(received).equals(all)).toBe(true);
  });

  it("reports a disconnection when socat goes away, at the latest on the next write", async () => {
    const p = await pair();
    const host = await open(p.hostPath);
    const device = await open(p.devicePath);
    const got = new Promise((resolve) => host.onData(resolve));
    await device.write(Buffer.from([0x55]));
    await got;
    const closed = new Promise<Error | undefined>((resolve) => host.onClose(resolve));
    await p.stop();
    await new Promise((r) => setTimeout(r, 50));
    // The poller may or may not have seen the hang-up (see openPtyPair); a write always fails either way:
    // EIO when the port is still open, at once when the hang-up already closed it (never a hang).
    await expect(host.write(Buffer.from([1]))).rejects.toBeInstanceOf(DeviceDisconnectedError);
    expect(await closed).toBeInstanceOf(DeviceDisconnectedError);
    expect(host.isOpen).toBe(false);
  }, 10_000);
});
