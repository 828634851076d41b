import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeviceError } from "../../../drivers/core/device-error.js";
import { openFileLink } from "../../../drivers/link/file-link.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();

async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe("file / char-device link", () => {
  it("a regular file is appended to and never read", async () => {
    const path = join(tempDir(), "capture.bin");
    writeFileSync(path, "A");
    const link = await openFileLink({ path });
    expect(link.canRead).toBe(false);
    await link.write(Buffer.from([0x1b, 0x40]));
    await link.write(Buffer.from("B"));
    expect(readFileSync(path)).toEqual(Buffer.from([0x41, 0x1b, 0x40, 0x42]));
    const closes: unknown[] = [];
    link.onClose((e) => closes.push(e));
    await link.close();
    await link.close();
    expect(closes).toEqual([undefined]);
    expect(link.isOpen).toBe(false);
    await expect(link.write(Buffer.from("x"))).rejects.toThrow(DeviceError);
  });

  it("a FIFO (standing in for a bidirectional usblp node) delivers replies through the same link", async () => {
    const path = join(tempDir(), "lp0");
    execFileSync("mkfifo", [path]);
    const link = await openFileLink({ path, pollMs: 2 });
    expect(link.canRead).toBe(true);
    const got: number[] = [];
    link.onData((c) => got.push(...c));
    const printerSide = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    writeSync(printerSide, Buffer.from([0x12, 0x10, 0x00, 0x00, 0x00]));
    closeSync(printerSide);
    await waitFor(() => got.length >= 5);
    expect(got).toEqual([0x12, 0x10, 0x00, 0x00, 0x00]);
    await link.close();
  });

  it("a character device opens read/write (/dev/null: writes vanish, reads see nothing)", async () => {
    const link = await openFileLink({ path: "/dev/null", pollMs: 2 });
    await link.write(Buffer.alloc(100));
    await link.close();
  });

  it("a missing node is a DeviceError naming it", async () => {
    await expect(openFileLink({ path: "/dev/usb/lp9", device: "printer" })).rejects.toThrow(
      /printer: cannot open \/dev\/usb\/lp9/,
    );
  });
});
