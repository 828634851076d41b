import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { FlashReceiver, type ReceivedImage, type TransferState } from "../../../firmware/flash/index.js";
import { decodeFlashFrame, encodeFlashFrame } from "../../../protocol/flash/index.js";
import { sendImage } from "../../../tools/flash/index.js";
import { openPtyPair, type PtyPair } from "../../../tools/rig/pty-pair.js";
import { posctl, resetExitCode } from "../../support/posctl.js";

resetExitCode();

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A socat pty pair (sender on hostPath, terminal on devicePath) and a terminal data directory. */
async function rig() {
  const dir = mkdtempSync(join(tmpdir(), "flash-pty-"));
  const hostPath = join(dir, "host");
  const devicePath = join(dir, "device");
  const state: { pty: PtyPair; link?: ByteLink } = { pty: await openPtyPair(hostPath, devicePath) };
  const received: ReceivedImage[] = [];
  const hooks: { onBlock?: (offset: number, transfer: TransferState) => void } = {};
  const receiver = new FlashReceiver({
    dir: join(dir, "terminal"),
    onImage: (image) => void received.push(image),
    onBlock: (offset, transfer) => hooks.onBlock?.(offset, transfer),
  });
  /** The terminal's end of the cable: open the port and serve the protocol on it. */
  const plugIn = async () => {
    state.link = await openSerialLink({ path: devicePath, baudRate: 115200 });
    receiver.attach(state.link);
  };
  await plugIn();
  cleanup.push(async () => {
    await state.link?.close();
    await state.pty.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    hostPath,
    receiver,
    received,
    hooks,
    open: () => openSerialLink({ path: hostPath, baudRate: 115200 }),
    /** Pulls the cable: the pty pair vanishes, both ends lose their port. */
    async pull() {
      await state.pty.stop();
      await state.link?.close();
    },
    /** Plugs it back: a new pair on the same paths, the terminal reopens its port. */
    async replug() {
      state.pty = await openPtyPair(hostPath, devicePath);
      await plugIn();
    },
  };
}

/** Wraps a link so each written frame can be altered on its way to the wire. */
function tampered(link: ByteLink, alter: (frame: Buffer) => Buffer): ByteLink {
  return {
    write: (data) => link.write(alter(data)),
    onData: (listener) => link.onData(listener),
    onClose: (listener) => link.onClose(listener),
    close: () => link.close(),
    get isOpen() {
      return link.isOpen;
    },
  };
}

const image = Buffer.from(Array.from({ length: 96 * 1024 }, (_, i) => (i * 131 + (i >> 8)) & 0xff));
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("flash over a socat pty pair", () => {
  it("transfers a whole image, verified by its SHA-256", async () => {
    const r = await rig();
    const result = await sendImage({ open: r.open, image, blockSize: 1024, replyTimeoutMs: 1000 });
    expect(result).toMatchObject({ verdict: "ok", resends: 0, reconnects: 0, resumedFrom: [0] });
    expect(result.dataBytesSent).toBe(image.length);
    expect(r.received).toHaveLength(1);
    expect(sha256(readFileSync(r.received[0]!.path))).toBe(sha256(image));
    expect(r.received[0]!.imageId).toBe(sha256(image));
  });

  it("resumes from the persisted offset after the cable is pulled midway", async () => {
    const r = await rig();
    let cutAt = -1;
    const bytesAfterReplug: number[] = [];
    let replugged = false;
    const cut = new Promise<void>((resolve) => {
      r.hooks.onBlock = (offset, state) => {
        if (replugged) bytesAfterReplug.push(state.offset - offset);
        else if (cutAt < 0 && state.offset >= image.length * 0.4) {
          cutAt = state.offset;
          resolve();
        }
      };
    });
    const sending = sendImage({
      open: r.open,
      image,
      blockSize: 1024,
      replyTimeoutMs: 300,
      retryForMs: 10_000,
      reopenIntervalMs: 100,
    });
    await cut;
    await r.pull();
    await new Promise((resolve) => setTimeout(resolve, 400));
    replugged = true;
    await r.replug();
    const result = await sending;
    expect(result.verdict).toBe("ok");
    expect(result.reconnects).toBeGreaterThanOrEqual(1);
    // The resume starts from what the terminal had fsynced, not from zero.
    expect(result.resumedFrom[0]).toBe(0);
    expect(result.resumedFrom.at(-1)).toBeGreaterThanOrEqual(cutAt);
    const resent = bytesAfterReplug.reduce((a, b) => a + b, 0);
    expect(resent).toBe(image.length - result.resumedFrom.at(-1)!);
    expect(resent).toBeLessThan(image.length);
    expect(sha256(readFileSync(r.received[0]!.path))).toBe(sha256(image));
  });

  it("NAKs corrupted bytes and takes the block again", async () => {
    const r = await rig();
    let dataFrames = 0;
    const result = await sendImage({
      open: async () =>
        tampered(await r.open(), (frame) => {
          if (frame[1] !== 0x12 || ++dataFrames % 10 !== 3) return frame;
          const damaged = Buffer.from(frame);
          damaged[200]! ^= 0x55; // a line glitch inside the block
          return damaged;
        }),
      image,
      blockSize: 1024,
      replyTimeoutMs: 1000,
    });
    expect(result.verdict).toBe("ok");
    expect(result.resends).toBeGreaterThanOrEqual(9);
    expect(result.dataBytesSent).toBeGreaterThan(image.length);
    expect(sha256(readFileSync(r.received[0]!.path))).toBe(sha256(image));
  });

  it("a wrong final hash ends in a refusal (bad-hash), and nothing is installed", async () => {
    const r = await rig();
    const result = await sendImage({
      open: async () =>
        tampered(await r.open(), (frame) => {
          const { seq, message } = decodeFlashFrame(frame);
          if (message.type !== "done") return frame;
          return encodeFlashFrame(seq, { type: "done", sha256: Buffer.alloc(32, 0xee) });
        }),
      image,
      blockSize: 4096,
      replyTimeoutMs: 1000,
    });
    expect(result.verdict).toBe("bad-hash");
    expect(result.reason).toMatch(/SHA-256 of the received image/);
    expect(r.received).toHaveLength(0);
  });

  it("posctl flash: progress lines, a verdict line and exit 0; refusals exit 3 and 2", async () => {
    const r = await rig();
    const file = join(r.dir, "image.bin");
    writeFileSync(file, image.subarray(0, 20_000));
    const ok = await posctl("flash", "--port", r.hostPath, "--block-size", "2048", file);
    expect(ok.stderr).toBe("");
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/flash: receiver needs offset 0 of 20000/);
    expect(ok.stdout).toMatch(/flash: 20000\/20000 bytes \(100%\)/);
    expect(ok.stdout).toMatch(/^verdict: ok: image [0-9a-f]{16}… \(20000 bytes\) verified/m);

    // Half a transfer of another image is waiting on the terminal: refused without --restart.
    await sendImage({ open: r.open, image, blockSize: 1024, replyTimeoutMs: 200, maxRetries: 0 }).catch(
      () => {},
    );
    const other = join(r.dir, "other.bin");
    writeFileSync(other, Buffer.alloc(5000, 7));
    await sendStart(r.open, image);
    const refused = await posctl("flash", "--port", r.hostPath, other);
    expect(refused.exitCode).toBe(3);
    expect(refused.stdout).toMatch(/^verdict: refused: image [0-9a-f]{16}… is mid-transfer/m);
    const restarted = await posctl("flash", "--port", r.hostPath, "--restart", other);
    expect(restarted.exitCode).toBe(0);

    // --ssh is the network path (tests/tools/board/ssh-flash.test.ts): never together with --port.
    const ssh = await posctl("flash", "--ssh", "devkit.local", "--port", r.hostPath, other);
    expect(ssh).toMatchObject({ exitCode: 2, stderr: "posctl: give --port or --ssh, not both\n" });
    const noPort = await posctl("flash", other);
    expect(noPort).toMatchObject({ exitCode: 2, stderr: "posctl: missing --port\n" });
  });
});

/** Starts a transfer of `image` and drops it after one block (the terminal keeps the part). */
async function sendStart(open: () => Promise<ByteLink>, image: Buffer): Promise<void> {
  let blocks = 0;
  await sendImage({
    open: async () =>
      tampered(await open(), (frame) => {
        if (frame[1] === 0x12 && ++blocks > 1) throw new Error("stop");
        return frame;
      }),
    image,
    blockSize: 1024,
  }).catch(() => {});
}
