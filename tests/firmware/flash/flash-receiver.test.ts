import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { FlashReceiver, type ReceivedImage } from "../../../firmware/flash/index.js";
import { encodeFlashFrame, FlashFrameDecoder, type FlashMessage } from "../../../protocol/flash/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function terminalDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "flash-rx-"));
  dirs.push(dir);
  return dir;
}

/** The sender's end, driven frame by frame: send a message, get the receiver's answer. */
function wire(host: ByteLink) {
  const decoder = new FlashFrameDecoder();
  const replies: FlashMessage[] = [];
  host.onData((chunk) => {
    for (const e of decoder.push(chunk)) if (e.kind === "frame") replies.push(e.frame.message);
  });
  let seq = 0;
  return async (message: FlashMessage | Buffer): Promise<FlashMessage> => {
    const before = replies.length;
    await host.write(Buffer.isBuffer(message) ? message : encodeFlashFrame(++seq, message));
    for (let i = 0; i < 200 && replies.length === before; i++) await new Promise((r) => setTimeout(r, 5));
    const reply = replies[before];
    if (!reply) throw new Error("no reply");
    return reply;
  };
}

const image = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff));
const imageId = createHash("sha256").update(image).digest();
const hello = (restart = false, id = imageId, totalLength = image.length): FlashMessage => ({
  type: "hello",
  imageId: id,
  totalLength,
  blockSize: 1000,
  restart,
});

function setup(dir: string, received: ReceivedImage[] = []) {
  const { host, device } = createMemoryLinkPair("flash");
  const receiver = new FlashReceiver({ dir, onImage: (img) => void received.push(img) });
  receiver.attach(device);
  return { receiver, send: wire(host) };
}

describe("FlashReceiver", () => {
  it("stores blocks, verifies the hash at DONE and hands over the file", async () => {
    const received: ReceivedImage[] = [];
    const { send } = setup(terminalDir(), received);
    expect(await send(hello())).toMatchObject({ type: "status", nextOffset: 0 });
    for (let offset = 0; offset < image.length; offset += 1000) {
      expect(await send({ type: "data", offset, bytes: image.subarray(offset, offset + 1000) })).toEqual({
        type: "ack",
        offset: offset + 1000,
      });
    }
    expect(await send({ type: "done", sha256: imageId })).toMatchObject({ type: "verdict", verdict: "ok" });
    expect(received).toHaveLength(1);
    expect(readFileSync(received[0]!.path).equals(image)).toBe(true);
  });

  it("persists the offset: a new receiver on a new link resumes where the last one stopped", async () => {
    const dir = terminalDir();
    const first = setup(dir);
    await first.send(hello());
    await first.send({ type: "data", offset: 0, bytes: image.subarray(0, 1000) });
    const second = setup(dir);
    expect(second.receiver.transfer).toMatchObject({ offset: 1000, totalLength: 3000 });
    expect(await second.send(hello())).toMatchObject({ type: "status", nextOffset: 1000, imageId });
    expect(await second.send({ type: "data", offset: 0, bytes: image.subarray(0, 1000) })).toEqual({
      type: "nak",
      offset: 1000,
    });
  });

  it("refuses another image mid-transfer unless HELLO says restart", async () => {
    const { send } = setup(terminalDir());
    await send(hello());
    await send({ type: "data", offset: 0, bytes: image.subarray(0, 1000) });
    const other = Buffer.alloc(32, 0xab);
    expect(await send(hello(false, other))).toMatchObject({
      type: "verdict",
      verdict: "refused",
      reason: expect.stringMatching(/mid-transfer at 1000\/3000.*restart/),
    });
    expect(await send(hello(true, other, 10))).toMatchObject({
      type: "status",
      imageId: other,
      nextOffset: 0,
    });
  });

  it("answers a damaged frame with a NAK for the offset it needs", async () => {
    const { send } = setup(terminalDir());
    await send(hello());
    const frame = encodeFlashFrame(9, { type: "data", offset: 0, bytes: image.subarray(0, 1000) });
    frame[100]! ^= 0x40;
    expect(await send(frame)).toEqual({ type: "nak", offset: 0 });
  });

  it("refuses DATA before HELLO, DATA past the end, an early DONE, and a wrong hash", async () => {
    const { send } = setup(terminalDir());
    expect(await send({ type: "data", offset: 0, bytes: Buffer.of(1) })).toMatchObject({
      verdict: "refused",
      reason: "DATA before HELLO",
    });
    await send(hello());
    expect(await send({ type: "data", offset: 0, bytes: Buffer.alloc(3001) })).toMatchObject({
      verdict: "refused",
    });
    expect(await send({ type: "done", sha256: imageId })).toMatchObject({
      verdict: "refused",
      reason: "incomplete: 0 of 3000 bytes received",
    });
    for (let offset = 0; offset < image.length; offset += 1000) {
      await send({ type: "data", offset, bytes: image.subarray(offset, offset + 1000) });
    }
    expect(await send({ type: "done", sha256: Buffer.alloc(32) })).toMatchObject({ verdict: "bad-hash" });
    // A failed image is discarded: the next HELLO starts from zero.
    expect(await send(hello())).toMatchObject({ type: "status", nextOffset: 0 });
  });

  it("refuses an image the installer rejects, with its reason", async () => {
    const { host, device } = createMemoryLinkPair("flash");
    new FlashReceiver({
      dir: terminalDir(),
      onImage: () => {
        throw new Error("not signed");
      },
    }).attach(device);
    const send = wire(host);
    await send(hello());
    for (let offset = 0; offset < image.length; offset += 1000) {
      await send({ type: "data", offset, bytes: image.subarray(offset, offset + 1000) });
    }
    expect(await send({ type: "done", sha256: imageId })).toMatchObject({
      verdict: "refused",
      reason: "installer refused the image: not signed",
    });
  });
});
