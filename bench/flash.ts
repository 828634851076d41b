import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSerialLink } from "../drivers/link/serial-link.js";
import { FlashReceiver } from "../firmware/flash/index.js";
import { encodeFlashFrame, FRAME_OVERHEAD } from "../protocol/flash/index.js";
import { sendImage } from "../tools/flash/index.js";
import { openPtyPair } from "../tools/rig/pty-pair.js";
import { isMain, resultTable } from "./measure.js";
import type { BenchResult } from "./result.js";

/**
 * Flash throughput against the serial line's limit. At 115200 baud 8N1 a byte is 10 bits on the wire,
 * so the line carries 11520 B/s. ptys ignore the baud rate, so the line-rate figures are computed from
 * the protocol's own overhead (every frame encoded for real), and the pty figure is measured separately:
 * it shows the protocol and the terminal's fsync per block, not the line.
 */
const LINE_BYTES_PER_SEC = 115200 / 10;
const BLOCK_SIZES = [256, 1024, 4096];
const IMAGE_BYTES = 1024 * 1024;

/** Wire bytes each way for a whole image: HELLO, DATA…, DONE out; STATUS, ACK…, VERDICT back. */
export function wireBytes(imageBytes: number, blockSize: number): { out: number; back: number } {
  const id = Buffer.alloc(32);
  let out = encodeFlashFrame(1, {
    type: "hello",
    imageId: id,
    totalLength: imageBytes,
    blockSize,
    restart: false,
  }).length;
  let back = encodeFlashFrame(1, { type: "status", imageId: id, nextOffset: 0 }).length;
  const blocks = Math.ceil(imageBytes / blockSize);
  const ack = encodeFlashFrame(1, { type: "ack", offset: 0 }).length;
  for (let i = 0; i < blocks; i++) {
    out += FRAME_OVERHEAD + 4 + Math.min(blockSize, imageBytes - i * blockSize);
    back += ack;
  }
  out += encodeFlashFrame(1, { type: "done", sha256: id }).length;
  back += encodeFlashFrame(1, {
    type: "verdict",
    verdict: "ok",
    reason: "image 0123456789abcdef… verified",
  }).length;
  return { out, back };
}

async function measurePty(blockSize: number, image: Buffer): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "bench-flash-"));
  const pty = await openPtyPair(join(dir, "host"), join(dir, "device"));
  const terminal = await openSerialLink({ path: join(dir, "device"), baudRate: 115200 });
  try {
    new FlashReceiver({ dir: join(dir, "terminal"), onImage: () => {} }).attach(terminal);
    const result = await sendImage({
      open: () => openSerialLink({ path: join(dir, "host"), baudRate: 115200 }),
      image,
      blockSize,
    });
    if (result.verdict !== "ok") throw new Error(`bench transfer failed: ${result.reason}`);
    return image.length / (result.elapsedMs / 1000);
  } finally {
    await terminal.close();
    await pty.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchFlash(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const blockSize of BLOCK_SIZES) {
    const { out, back } = wireBytes(IMAGE_BYTES, blockSize);
    const efficiency = IMAGE_BYTES / out;
    const streaming = LINE_BYTES_PER_SEC * efficiency;
    // Stop-and-wait: the next block leaves only after the ACK came back (line time only, no processing).
    const perBlockSeconds = (FRAME_OVERHEAD + 4 + blockSize + (FRAME_OVERHEAD + 4)) / LINE_BYTES_PER_SEC;
    const stopAndWait = blockSize / perBlockSeconds;
    results.push({
      name: `block ${blockSize}: payload/wire, effective B/s at 115200 8N1`,
      opsPerSec: streaming,
      note: `${(efficiency * 100).toFixed(2)}% payload (${IMAGE_BYTES} of ${out} wire bytes out, ${back} back); ${Math.round(streaming)} B/s of 11520 line limit; stop-and-wait ${Math.round(stopAndWait)} B/s; 1 MiB in ${(IMAGE_BYTES / stopAndWait).toFixed(1)} s`,
    });
  }
  const payload = Buffer.alloc(256 * 1024);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 131 + (i >> 9)) & 0xff;
  for (const blockSize of BLOCK_SIZES) {
    const bytesPerSec = await measurePty(blockSize, payload);
    results.push({
      name: `block ${blockSize}: measured over a socat pty pair (B/s)`,
      opsPerSec: bytesPerSec,
      note: `256 KiB, stop-and-wait, fsync per block on the terminal side; ptys ignore baud (${(bytesPerSec / LINE_BYTES_PER_SEC).toFixed(1)}x the 115200 line)`,
    });
  }
  return results;
}

if (isMain(import.meta.url)) {
  process.stdout.write(`${resultTable(await benchFlash())}\n`);
}
