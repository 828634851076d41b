import { GS } from "./commands.js";
import { EscPosError } from "./escpos-error.js";

/** A 1-bit image: rows of ceil(width/8) bytes, most significant bit leftmost, 1 = black dot. */
export interface RasterBitmap {
  width: number;
  height: number;
  data: Buffer;
}

/** Dots across a 58 mm / 80 mm head at 203 dpi. */
export const MAX_DOTS_58MM = 384;
export const MAX_DOTS_80MM = 576;

export type RasterScale = "normal" | "double-width" | "double-height" | "quadruple";
const SCALE_CODE: Record<RasterScale, number> = {
  normal: 0,
  "double-width": 1,
  "double-height": 2,
  quadruple: 3,
};

/**
 * Packs a monochrome width×height pixel array (row-major; truthy / non-zero = black) into a bitmap.
 * Pad bits at the end of each row stay white.
 */
export function packMonochrome(
  pixels: ArrayLike<number | boolean>,
  width: number,
  height: number,
): RasterBitmap {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new EscPosError(`bad size ${width}x${height}`, { path: "image.size" });
  }
  if (pixels.length !== width * height) {
    throw new EscPosError(`${pixels.length} pixels for ${width}x${height}`, { path: "image.pixels" });
  }
  const rowBytes = Math.ceil(width / 8);
  const data = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x]) data[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return { width, height, data };
}

/** GS v 0 m xL xH yL yH d…: x = bytes per row, y = dot rows. */
export function rasterImage(bitmap: RasterBitmap, scale: RasterScale = "normal"): Buffer {
  const rowBytes = Math.ceil(bitmap.width / 8);
  if (rowBytes < 1 || rowBytes > 0xffff || bitmap.height < 1 || bitmap.height > 0xffff) {
    throw new EscPosError(`bad size ${bitmap.width}x${bitmap.height}`, { path: "image.size" });
  }
  if (bitmap.data.length !== rowBytes * bitmap.height) {
    throw new EscPosError(`${bitmap.data.length} data bytes, expected ${rowBytes * bitmap.height}`, {
      path: "image.data",
    });
  }
  const m = SCALE_CODE[scale];
  if (m === undefined) throw new EscPosError(`unknown scale ${String(scale)}`, { path: "image.scale" });
  return Buffer.concat([
    Buffer.from([
      GS,
      0x76,
      0x30,
      m,
      rowBytes & 0xff,
      rowBytes >> 8,
      bitmap.height & 0xff,
      bitmap.height >> 8,
    ]),
    bitmap.data,
  ]);
}
