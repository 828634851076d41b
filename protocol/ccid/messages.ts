import { CcidError } from "./ccid-error.js";

/**
 * CCID messages (USB CCID 1.1 §6; type codes as LudovicRousseau/CCID src/ccid.h): a 10-byte header
 * `bMessageType | dwLength (LE u32) | bSlot | bSeq | 3 message-specific bytes` followed by dwLength bytes.
 * The same messages travel over USB bulk pipes and, framed, over the serial line (serial-frame.ts).
 */
export const CCID_HEADER_LENGTH = 10;

export const PC_TO_RDR = {
  IccPowerOn: 0x62,
  IccPowerOff: 0x63,
  GetSlotStatus: 0x65,
  XfrBlock: 0x6f,
  GetParameters: 0x6c,
  SetParameters: 0x61,
  Escape: 0x6b,
  Abort: 0x72,
} as const;

export const RDR_TO_PC = {
  DataBlock: 0x80,
  SlotStatus: 0x81,
  Parameters: 0x82,
  Escape: 0x83,
  NotifySlotChange: 0x50,
  HardwareError: 0x51,
} as const;

/** bPowerSelect of IccPowerOn. */
export type PowerSelect = "auto" | "5V" | "3V" | "1.8V";
const POWER_SELECT: Record<PowerSelect, number> = { auto: 0, "5V": 1, "3V": 2, "1.8V": 3 };

/** A decoded message: the header fields, the three specific bytes, and the data (a copy). */
export interface CcidMessage {
  type: number;
  slot: number;
  seq: number;
  /** Header bytes 7, 8, 9: bStatus/bError/bChainParameter in replies; parameters in commands. */
  specific: [number, number, number];
  data: Buffer;
}

function byteField(value: number, path: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new CcidError(`must be a byte 0..255, got ${value}`, { path });
  }
  return value;
}

/** Builds any CCID message. */
export function encodeCcidMessage(message: {
  type: number;
  slot: number;
  seq: number;
  specific?: readonly [number, number, number];
  data?: Uint8Array;
}): Buffer {
  const data = message.data ?? Buffer.alloc(0);
  const out = Buffer.alloc(CCID_HEADER_LENGTH + data.length);
  out[0] = byteField(message.type, "bMessageType");
  out.writeUInt32LE(data.length, 1);
  out[5] = byteField(message.slot, "bSlot");
  out[6] = byteField(message.seq, "bSeq");
  const [a, b, c] = message.specific ?? [0, 0, 0];
  out[7] = byteField(a, "header byte 7");
  out[8] = byteField(b, "header byte 8");
  out[9] = byteField(c, "header byte 9");
  out.set(data, CCID_HEADER_LENGTH);
  return out;
}

/** Parses one complete message; dwLength must match the bytes given exactly. */
export function decodeCcidMessage(bytes: Uint8Array): CcidMessage {
  if (bytes.length < CCID_HEADER_LENGTH) {
    throw new CcidError(`message of ${bytes.length} bytes is shorter than the 10-byte header`, {
      path: "ccid header",
      offset: bytes.length,
    });
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const length = buf.readUInt32LE(1);
  if (length !== buf.length - CCID_HEADER_LENGTH) {
    throw new CcidError(`dwLength ${length} but ${buf.length - CCID_HEADER_LENGTH} data bytes follow`, {
      path: "dwLength",
      offset: 1,
    });
  }
  return {
    type: buf[0]!,
    slot: buf[5]!,
    seq: buf[6]!,
    specific: [buf[7]!, buf[8]!, buf[9]!],
    data: Buffer.from(buf.subarray(CCID_HEADER_LENGTH)),
  };
}

// ---- PC_to_RDR builders (host side) ----

export function iccPowerOn(slot: number, seq: number, power: PowerSelect = "auto"): Buffer {
  return encodeCcidMessage({
    type: PC_TO_RDR.IccPowerOn,
    slot,
    seq,
    specific: [POWER_SELECT[power], 0, 0],
  });
}

export function iccPowerOff(slot: number, seq: number): Buffer {
  return encodeCcidMessage({ type: PC_TO_RDR.IccPowerOff, slot, seq });
}

export function getSlotStatus(slot: number, seq: number): Buffer {
  return encodeCcidMessage({ type: PC_TO_RDR.GetSlotStatus, slot, seq });
}

/**
 * XfrBlock: a TPDU (or APDU, at APDU exchange level) for the card. `bwi` extends the block waiting time
 * (T=1 WTX), `levelParameter` is 0 for a TPDU-level reader.
 */
export function xfrBlock(slot: number, seq: number, data: Uint8Array, bwi = 0, levelParameter = 0): Buffer {
  if (!Number.isInteger(levelParameter) || levelParameter < 0 || levelParameter > 0xffff) {
    throw new CcidError(`must be 0..65535, got ${levelParameter}`, { path: "wLevelParameter" });
  }
  return encodeCcidMessage({
    type: PC_TO_RDR.XfrBlock,
    slot,
    seq,
    specific: [bwi, levelParameter & 0xff, levelParameter >> 8],
    data,
  });
}

/** Abort (CCID §5.3.1, §6.1.13): over serial only the bulk half exists; seq names the aborted command. */
export function abort(slot: number, seq: number): Buffer {
  return encodeCcidMessage({ type: PC_TO_RDR.Abort, slot, seq });
}

// ---- RDR_to_PC builders (reader / emulator side) ----

export function dataBlock(
  slot: number,
  seq: number,
  status: number,
  error: number,
  data: Uint8Array,
): Buffer {
  return encodeCcidMessage({ type: RDR_TO_PC.DataBlock, slot, seq, specific: [status, error, 0], data });
}

export function slotStatus(
  slot: number,
  seq: number,
  status: number,
  error: number,
  clockStatus = 0,
): Buffer {
  return encodeCcidMessage({ type: RDR_TO_PC.SlotStatus, slot, seq, specific: [status, error, clockStatus] });
}

/** Names a message type for traces and error messages. */
export function messageTypeName(type: number): string {
  for (const [name, code] of Object.entries(PC_TO_RDR)) if (code === type) return `PC_to_RDR_${name}`;
  for (const [name, code] of Object.entries(RDR_TO_PC)) if (code === type) return `RDR_to_PC_${name}`;
  return `type 0x${type.toString(16).toUpperCase().padStart(2, "0")}`;
}
