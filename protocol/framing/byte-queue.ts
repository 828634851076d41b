/**
 * A FIFO of bytes for incremental decoders. Appends copy each chunk once into spare capacity, growing by
 * doubling and compacting in place, so feeding a frame one byte at a time costs O(n), not O(n²).
 * Indexes are relative to the oldest unread byte.
 */
export class ByteQueue {
  private buf = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.buf.length) this.makeRoom(chunk.length);
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  private makeRoom(extra: number): void {
    const live = this.length;
    if (live + extra <= this.buf.length >> 1) {
      // Plenty of room once the consumed head is dropped: slide the live bytes down.
      this.buf.copyWithin(0, this.start, this.end);
    } else {
      const grown = Buffer.alloc(Math.max(64, this.buf.length * 2, live + extra));
      this.buf.copy(grown, 0, this.start, this.end);
      this.buf.fill(0);
      this.buf = grown;
    }
    this.buf.fill(0, live, this.end);
    this.start = 0;
    this.end = live;
  }

  /** Byte at relative index `i` (caller checks i < length). */
  at(i: number): number {
    return this.buf[this.start + i]!;
  }

  /** Relative index of the first `byte` in [from, to), or -1. */
  indexOf(byte: number, from = 0, to = this.length): number {
    const end = Math.min(to, this.length);
    if (from >= end) return -1;
    const at = this.buf.subarray(this.start + from, this.start + end).indexOf(byte);
    return at === -1 ? -1 : at + from;
  }

  /** A view of [from, to) that is only valid until the next push: compute on it, do not keep it. */
  view(from: number, to: number): Buffer {
    return this.buf.subarray(this.start + from, this.start + to);
  }

  /** Copies [from, to) out; the copy survives later pushes. */
  copy(from: number, to: number): Buffer {
    return Buffer.from(this.view(from, to));
  }

  /** Drops the first `count` bytes. */
  skip(count: number): void {
    this.start += Math.min(count, this.length);
    if (this.start === this.end) this.clear();
  }

  /** Drops everything and wipes the storage: frames may carry card or PIN-pad data. */
  clear(): void {
    this.buf.fill(0, 0, this.end);
    this.start = 0;
    this.end = 0;
  }
}
