import { constants, type FileHandle, open } from "node:fs/promises";
import { type Clock, type ClockTimer, systemClock } from "../core/clock.js";
import { DeviceDisconnectedError, DeviceError } from "../core/device-error.js";
import { type ByteLink, LinkListeners } from "./byte-link.js";

export interface FileLinkOptions {
  /** A character device (`/dev/usb/lp0`, `/dev/ttyGS0`), a FIFO, or a regular file (output capture). */
  path: string;
  /** Read replies from the same fd: default true for character devices and FIFOs, never for files. */
  read?: boolean;
  /** How often to poll for replies and retry a write the device refused with EAGAIN (default 20 ms). */
  pollMs?: number;
  clock?: Clock;
  device?: string;
}

/** A ByteLink that also says whether replies can come back over it (`canRead`). */
export interface FileLink extends ByteLink {
  readonly canRead: boolean;
}

/** Errors that mean "this device does not read" rather than "the device went away". */
const NOT_READABLE = new Set(["EINVAL", "EOPNOTSUPP", "ENOSYS", "EBADF", "EISDIR"]);

/**
 * A ByteLink over a file or character device through `fs`. The fd is opened O_RDWR|O_NONBLOCK for devices
 * (a blocking read would pin a libuv pool thread forever), so reads are polled: EAGAIN means "nothing
 * yet". The kernel `usblp` driver answers reads only for bidirectional printers; when the first read
 * says the device cannot read (EINVAL and friends), `canRead` turns false and the driver works without
 * status. Regular files are opened for append and never read. ENODEV/EIO on write or read (printer
 * unplugged) closes the link as disconnected.
 */
export async function openFileLink(options: FileLinkOptions): Promise<FileLink> {
  const device = options.device ?? options.path;
  let handle: FileHandle;
  try {
    handle = await open(options.path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw new DeviceError(device, `cannot open ${options.path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const stat = await handle.stat();
  const special = stat.isCharacterDevice() || stat.isFIFO();
  if (!special) {
    await handle.close();
    handle = await open(options.path, "a");
  }
  const link = new FdLink(handle, device, options.pollMs ?? 20, options.clock ?? systemClock);
  if (special && (options.read ?? true)) await link.startReading();
  return link;
}

class FdLink implements FileLink {
  private readonly listeners = new LinkListeners();
  private open = true;
  private reading = false;
  private timer: ClockTimer | undefined;
  private readonly buffer = Buffer.alloc(4096);

  constructor(
    private readonly handle: FileHandle,
    private readonly device: string,
    private readonly pollMs: number,
    private readonly clock: Clock,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  get canRead(): boolean {
    return this.reading;
  }

  /** First read decides whether the device reads at all; later reads are polled. */
  async startReading(): Promise<void> {
    this.reading = true;
    await this.poll();
  }

  async write(data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      if (!this.open) throw new DeviceDisconnectedError(this.device, "write on a closed link");
      try {
        const { bytesWritten } = await this.handle.write(data, offset, data.length - offset, null);
        offset += bytesWritten;
      } catch (error) {
        // A full printer buffer refuses a non-blocking write: wait and retry.
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
          await new Promise<void>((resolve) => this.clock.setTimeout(resolve, this.pollMs));
          continue;
        }
        const lost = new DeviceDisconnectedError(this.device, `write failed: ${(error as Error).message}`, {
          cause: error,
        });
        await this.shut(lost);
        throw lost;
      }
    }
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.listeners.onClose(listener);
  }

  close(): Promise<void> {
    return this.shut();
  }

  private async shut(error?: Error): Promise<void> {
    if (!this.open) return;
    this.open = false;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.handle.close().catch(() => undefined);
    this.listeners.emitClose(error);
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    while (this.open && this.reading) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(this.buffer, 0, this.buffer.length, null));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "";
        if (code === "EAGAIN") break;
        if (NOT_READABLE.has(code)) {
          this.reading = false;
          return;
        }
        if (!this.open) return;
        await this.shut(
          new DeviceDisconnectedError(this.device, `read failed: ${(error as Error).message}`, {
            cause: error,
          }),
        );
        return;
      }
      if (bytesRead === 0) break;
      this.listeners.emitData(Buffer.from(this.buffer.subarray(0, bytesRead)));
    }
    if (this.open && this.reading) this.timer = this.clock.setTimeout(() => void this.poll(), this.pollMs);
  }
}
