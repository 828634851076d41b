/** ESC/POS for the receipt printer: commands, GB18030 text, QR/barcode/raster, status decoding, documents. */
export * from "./barcode.js";
export * from "./commands.js";
export * from "./document.js";
export { EscPosError } from "./escpos-error.js";
export * from "./qr.js";
export * from "./raster.js";
export * from "./render.js";
export * from "./status.js";
export * from "./status-stream.js";
export * from "./stream-parser.js";
export * from "./text.js";
