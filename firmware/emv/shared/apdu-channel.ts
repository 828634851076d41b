/**
 * The one door between an EMV kernel and a card: a command APDU in, `{data, sw}` out. Both reader
 * drivers (contact CCID and the NFC reader) satisfy it structurally; T=0 GET RESPONSE / 6Cxx handling
 * is done below this interface, so a kernel sees whole responses only. The virtual cards of the rig are
 * adapted to it by `tools/rig/cards/emv/card-channel.ts`.
 */
export interface ApduChannel {
  transmit(apdu: Buffer, options?: { signal?: AbortSignal }): Promise<{ data: Buffer; sw: number }>;
}

/** The response of one exchange, as a kernel step records it. */
export interface ApduExchange {
  data: Buffer;
  sw: number;
}

/** Status words the kernels branch on (ISO 7816-4 / EMV Book 1 §12, Book 3 §6.3). */
export const Sw = {
  ok: 0x9000,
  selectedFileInvalidated: 0x6283,
  conditionsNotSatisfied: 0x6985,
  functionNotSupported: 0x6a81,
  fileNotFound: 0x6a82,
  recordNotFound: 0x6a83,
  pinBlocked: 0x6983,
  referencedDataInvalidated: 0x6984,
} as const;

/** True for `63Cx` (wrong PIN, x tries left). */
export function isPinRetryCounter(sw: number): boolean {
  return (sw & 0xfff0) === 0x63c0;
}
