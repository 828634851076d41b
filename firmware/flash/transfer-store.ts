import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../drivers/storage/atomic-file.js";

/** The transfer in progress, as persisted beside its .part file. */
export interface TransferState {
  /** SHA-256 of the whole image, hex. */
  imageId: string;
  totalLength: number;
  /** Bytes [0, offset) are in the .part file and fsynced. */
  offset: number;
}

/**
 * `<dir>/incoming/`: one `<image-id>.part` file per image and `transfer.json` naming the transfer in
 * progress and how far it got. The data is fsynced before the offset is persisted (atomically), so after
 * a power cut or a pulled cable the offset never claims bytes the file does not hold.
 */
export class TransferStore {
  readonly incoming: string;
  private readonly statePath: string;

  constructor(dir: string) {
    this.incoming = join(dir, "incoming");
    mkdirSync(this.incoming, { recursive: true });
    this.statePath = join(this.incoming, "transfer.json");
  }

  partPath(imageId: string): string {
    return join(this.incoming, `${imageId}.part`);
  }

  /** The persisted transfer, or undefined when none (or the record is unreadable: start over). */
  load(): TransferState | undefined {
    if (!existsSync(this.statePath)) return undefined;
    try {
      const state = JSON.parse(readFileSync(this.statePath, "utf8")) as TransferState;
      if (
        typeof state.imageId !== "string" ||
        !/^[0-9a-f]{64}$/.test(state.imageId) ||
        !Number.isSafeInteger(state.totalLength) ||
        !Number.isSafeInteger(state.offset) ||
        !existsSync(this.partPath(state.imageId))
      ) {
        return undefined;
      }
      return state;
    } catch {
      return undefined;
    }
  }

  /** Starts a transfer: an empty .part file and offset 0. */
  begin(imageId: string, totalLength: number): TransferState {
    const state = { imageId, totalLength, offset: 0 };
    closeSync(openSync(this.partPath(imageId), "w", 0o600));
    this.save(state);
    return state;
  }

  /** Writes a block at the state's offset, fsyncs it, then persists the new offset. */
  append(state: TransferState, block: Buffer): TransferState {
    const fd = openSync(this.partPath(state.imageId), "r+");
    try {
      let written = 0;
      while (written < block.length) {
        written += writeSync(fd, block, written, block.length - written, state.offset + written);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const next = { ...state, offset: state.offset + block.length };
    this.save(next);
    return next;
  }

  /** Forgets the transfer record (the .part file stays unless `removePart`). */
  clear(state: TransferState | undefined, removePart: boolean): void {
    rmSync(this.statePath, { force: true });
    if (state && removePart) rmSync(this.partPath(state.imageId), { force: true });
  }

  private save(state: TransferState): void {
    writeFileAtomic(this.statePath, Buffer.from(JSON.stringify(state)));
  }
}
