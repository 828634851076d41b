/**
 * ABECS 2.12 link-layer bytes (device-protocols.md §4.2). SYN/ETB delimit a packet, DC3 escapes the
 * three bytes that would otherwise break framing; ACK/NAK/CAN/EOT travel alone, outside packets.
 */
export const SYN = 0x16;
export const ETB = 0x17;
export const DC3 = 0x13;
export const ACK = 0x06;
export const NAK = 0x15;
export const CAN = 0x18;
export const EOT = 0x04;

/** Added to an escaped byte after DC3 (13 33 = 13, 13 36 = 16, 13 37 = 17). */
export const ESCAPE_OFFSET = 0x20;

/** Largest unescaped PKTDATA; more than 1024 bytes is only allowed for "Abecs commands". */
export const MAX_PACKET_DATA = 2049;

/** The single bytes a decoder reports between packets. */
export const CONTROL_BYTES: ReadonlySet<number> = new Set([ACK, NAK, CAN, EOT]);
