/**
 * Device-level faults of the contact reader, as data (device-protocols.md §11). Each rule fires once, on
 * the first command it matches after skipping `skip` matches. Card movements "at any moment" are
 * `insert()` / `remove()` calls on the emulator, or the remove-card fault mid-XfrBlock.
 */
export type ContactReaderFault =
  /** PowerOn: the card gives no ATR (bStatus failed, bError FE). */
  | { kind: "mute-card" }
  /** PowerOn: the reader rejects the ATR (F7 bad TCK, F8 bad TS). */
  | { kind: "bad-atr"; error: 0xf7 | 0xf8 }
  /** PowerOn: the card's ATR is replaced by these bytes (e.g. a malformed one the host must refuse). */
  | { kind: "atr"; bytes: number[] }
  /** The reader answers 03 15 16 instead of executing the command (ccid_serial.c: host replays). */
  | { kind: "nak"; times?: number }
  /** The card sends NULL procedure bytes (60): the reader signals `count` time extensions, `intervalMs` apart. */
  | {
      kind: "time-extension";
      style: "byte" | "status";
      count: number;
      intervalMs?: number;
      multiplier?: number;
    }
  /** T=1 card: S(WTX request) with this multiplier before the answer. */
  | { kind: "wtx"; multiplier: number }
  /** The card is pulled out while this XfrBlock runs: 50 02, then a failed reply with the slot empty. */
  | { kind: "remove-card" }
  /** The reader says nothing at all to this command. */
  | { kind: "silence" };

export interface ContactReaderFaultRule {
  on?: "power-on" | "xfr" | "power-off" | "status" | "any";
  skip?: number;
  fault: ContactReaderFault;
}
