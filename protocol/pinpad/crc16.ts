/**
 * CRC-16/CCITT as ABECS uses it (a.k.a. CRC-16/XMODEM): polynomial 0x1021, initial value 0, no
 * reflection, no final XOR, computed over the unescaped PKTDATA followed by ETB, sent big-endian.
 */
export function crc16(bytes: Uint8Array, initial = 0): number {
  let crc = initial & 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}
