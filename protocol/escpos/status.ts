import { EscPosError } from "./escpos-error.js";

/**
 * Printer status from the DLE EOT replies (n = 1..4) or an Automatic Status Back block
 * (device-protocols.md §5.2; python-escpos RT_MASK_*, receiptio).
 */
export type PaperState = "ok" | "near-end" | "out";

export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  paper: PaperState;
  cutterError: boolean;
  unrecoverableError: boolean;
  autoRecoverableError: boolean;
  feedButton: boolean;
}

/** The four DLE EOT replies: printer, offline cause, error cause, paper sensor. */
export interface RealtimeReplies {
  printer: number;
  offlineCause: number;
  errorCause: number;
  paperSensor: number;
}

/** Every DLE EOT reply has the shape 0xx1xx10: bits 1 and 4 set, bits 0 and 7 clear. */
export function isRealtimeReply(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

/** First byte of an ASB block: 0xx1xx00. */
export function isAsbHeader(byte: number): boolean {
  return (byte & 0x93) === 0x10;
}

/** Bytes 2..4 of an ASB block: bits 4 and 7 clear. */
export function isAsbTrailer(byte: number): boolean {
  return (byte & 0x90) === 0;
}

const bit = (byte: number, mask: number) => (byte & mask) !== 0;

function checkReply(byte: number, path: string, offset: number): void {
  if (!Number.isInteger(byte) || byte < 0 || byte > 0xff || !isRealtimeReply(byte)) {
    throw new EscPosError(`0x${Number(byte).toString(16)} is not a DLE EOT reply (0xx1xx10)`, {
      path,
      offset,
    });
  }
}

/** Combines the four DLE EOT replies (validated) into a status. */
export function decodeRealtimeStatus(replies: RealtimeReplies): PrinterStatus {
  checkReply(replies.printer, "status.printer", 0);
  checkReply(replies.offlineCause, "status.offlineCause", 1);
  checkReply(replies.errorCause, "status.errorCause", 2);
  checkReply(replies.paperSensor, "status.paperSensor", 3);
  const { printer, offlineCause, errorCause, paperSensor } = replies;
  const paperOut = bit(paperSensor, 0x60) || bit(offlineCause, 0x20);
  return {
    online: !bit(printer, 0x08),
    coverOpen: bit(offlineCause, 0x04),
    paper: paperOut ? "out" : bit(paperSensor, 0x0c) ? "near-end" : "ok",
    cutterError: bit(errorCause, 0x08),
    unrecoverableError: bit(errorCause, 0x20),
    autoRecoverableError: bit(errorCause, 0x40),
    feedButton: bit(printer, 0x40) || bit(offlineCause, 0x08),
  };
}

/** The four DLE EOT replies a printer in `status` would send (the emulator's side). */
export function encodeRealtimeStatus(status: PrinterStatus): RealtimeReplies {
  const anyError = status.cutterError || status.unrecoverableError || status.autoRecoverableError;
  return {
    printer: 0x12 | (status.online ? 0 : 0x08) | (status.feedButton ? 0x40 : 0),
    offlineCause:
      0x12 | (status.coverOpen ? 0x04 : 0) | (status.paper === "out" ? 0x20 : 0) | (anyError ? 0x40 : 0),
    errorCause:
      0x12 |
      (status.cutterError ? 0x08 : 0) |
      (status.unrecoverableError ? 0x20 : 0) |
      (status.autoRecoverableError ? 0x40 : 0),
    paperSensor: 0x12 | (status.paper === "near-end" ? 0x0c : status.paper === "out" ? 0x6c : 0),
  };
}

/**
 * An ASB block: byte 1 bit 3 offline, bit 5 cover open, bit 6 feed button; byte 2 bit 3 autocutter,
 * bit 5 unrecoverable, bit 6 auto-recoverable; byte 3 bits 0-1 near-end, bits 2-3 paper end.
 */
export function decodeAsb(block: Uint8Array): PrinterStatus {
  if (block.length !== 4) throw new EscPosError(`ASB block is 4 bytes, got ${block.length}`, { path: "asb" });
  if (!isAsbHeader(block[0]!))
    throw new EscPosError("first byte is not 0xx1xx00", { path: "asb", offset: 0 });
  for (let i = 1; i < 4; i++) {
    if (!isAsbTrailer(block[i]!))
      throw new EscPosError("bits 4 and 7 must be clear", { path: "asb", offset: i });
  }
  const [b1, b2, b3] = [block[0]!, block[1]!, block[2]!];
  return {
    online: !bit(b1, 0x08),
    coverOpen: bit(b1, 0x20),
    paper: bit(b3, 0x0c) ? "out" : bit(b3, 0x03) ? "near-end" : "ok",
    cutterError: bit(b2, 0x08),
    unrecoverableError: bit(b2, 0x20),
    autoRecoverableError: bit(b2, 0x40),
    feedButton: bit(b1, 0x40),
  };
}

/** The ASB block for a status (the emulator's side). */
export function encodeAsb(status: PrinterStatus): Buffer {
  return Buffer.from([
    0x10 | (status.online ? 0 : 0x08) | (status.coverOpen ? 0x20 : 0) | (status.feedButton ? 0x40 : 0),
    (status.cutterError ? 0x08 : 0) |
      (status.unrecoverableError ? 0x20 : 0) |
      (status.autoRecoverableError ? 0x40 : 0),
    status.paper === "out" ? 0x0f : status.paper === "near-end" ? 0x03 : 0,
    0,
  ]);
}

/** Why the printer cannot print right now, or undefined when it can (near-end still prints). */
export type NotReadyReason = "offline" | "cover-open" | "paper-out" | "cutter-error" | "error";

export function notReadyReason(status: PrinterStatus): NotReadyReason | undefined {
  if (status.coverOpen) return "cover-open";
  if (status.paper === "out") return "paper-out";
  if (status.cutterError) return "cutter-error";
  if (status.unrecoverableError || status.autoRecoverableError) return "error";
  if (!status.online) return "offline";
  return undefined;
}

export const STATUS_READY: PrinterStatus = Object.freeze({
  online: true,
  coverOpen: false,
  paper: "ok",
  cutterError: false,
  unrecoverableError: false,
  autoRecoverableError: false,
  feedButton: false,
});
