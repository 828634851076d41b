/**
 * Primary (fields 1–64) and secondary (65–128) bitmaps, binary, most significant bit first.
 * Bit 1 announces the secondary bitmap; it is never a data field. CUP uses the primary only,
 * the engine supports both.
 */

/** Bytes of bitmap needed when the highest field present is `highest`. */
export function bitmapSize(highest: number): number {
  return highest > 64 ? 16 : 8;
}

/** Sets bit `field` (1-based) in the bitmap at `off`. */
export function setBit(buf: Buffer, off: number, field: number): void {
  const i = field - 1;
  buf[off + (i >> 3)]! |= 0x80 >> (i & 7);
}

/** True when bit `field` (1-based) is set in the bitmap at `off`. */
export function hasBit(buf: Buffer, off: number, field: number): boolean {
  const i = field - 1;
  return (buf[off + (i >> 3)]! & (0x80 >> (i & 7))) !== 0;
}

/** Writes a bitmap for the given ascending field numbers (2..128); returns its size. */
export function writeBitmap(buf: Buffer, off: number, fields: readonly number[]): number {
  const highest = fields.length === 0 ? 0 : fields[fields.length - 1]!;
  const size = bitmapSize(highest);
  buf.fill(0, off, off + size);
  if (size === 16) setBit(buf, off, 1);
  for (const f of fields) setBit(buf, off, f);
  return size;
}

/** Field numbers (2..128, ascending) present in a bitmap of `size` bytes at `off`. */
export function bitmapFields(buf: Buffer, off: number, size: number): number[] {
  const out: number[] = [];
  for (let byte = 0; byte < size; byte++) {
    const b = buf[off + byte]!;
    if (b === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      if (b & (0x80 >> bit)) {
        const field = byte * 8 + bit + 1;
        if (field !== 1) out.push(field);
      }
    }
  }
  return out;
}
