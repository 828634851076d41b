/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR): the checksum EMVCo MPM
 * puts in ID 63. Check value over "123456789" is 0x29B1.
 */
export function crc16CcittFalse(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** The CRC of `text`'s UTF-8 bytes as the 4 upper-case hex digits MPM prints. */
export function crc16Hex(text: string): string {
  return crc16CcittFalse(Buffer.from(text, "utf8")).toString(16).toUpperCase().padStart(4, "0");
}
