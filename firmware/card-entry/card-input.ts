import type { Swipe } from "../../drivers/magstripe/magstripe-reader.js";

/**
 * What reached the terminal, before any card processing: a swipe (tracks in Buffers the flow wipes), a
 * card in the contact slot, a card activated in the RF field, or a scanned payment code.
 */
export type CardInput =
  | { mode: "swipe"; swipe: Swipe }
  | { mode: "insert" }
  | { mode: "tap" }
  | { mode: "qr"; code: Buffer };

export type CardInputMode = CardInput["mode"];

/** A barcode/QR scanner (camera module or serial scanner): each scan is the code's bytes. */
export interface CodeScanner {
  onScan(listener: (code: Buffer) => void): () => void;
}
